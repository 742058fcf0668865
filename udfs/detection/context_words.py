"""Context words: what the words right before a candidate say it is ("DOB:", "Tel.", "BSN"),
in the supported languages, with the small words and punctuation that may stand between."""

from __future__ import annotations

import functools
import re

DOB_CONTEXT = (
    "dob", "d.o.b", "date of birth", "birth date", "birthdate", "birthday", "born",
    "geboren", "geburtsdatum", "geb.", "geb", "né le", "née le", "né", "née", "date de naissance",
    "fecha de nacimiento", "nacido", "nacida", "f. nac", "nato il", "nata il", "nato", "nata",
    "data di nascita", "geboortedatum", "geboren op", "data de nascimento", "nascido",
    "nascida", "生年月日", "生まれ", "誕生日", "जन्म",
)  # fmt: skip
PHONE_CONTEXT = (
    "phone", "call", "tel", "mobile", "cell", "fax", "contact", "reachable", "whatsapp",
    "telefon", "handy", "anrufen", "rückruf", "téléphone", "tél", "portable", "appeler",
    "teléfono", "tlf", "tfno",
    "móvil", "llamar", "telefono", "cellulare", "chiamare", "telefoon", "mobiel", "bellen",
    "telefone", "celular", "ligar", "電話", "携帯", "फ़ोन",
)  # fmt: skip
ID_CONTEXT = (
    "bsn", "burgerservicenummer", "sofinummer", "cpf", "steuer", "idnr", "identifikations",
    "aadhaar", "aadhar", "マイナンバー", "個人番号", "my number", "nir", "sécurité sociale",
    "securite sociale", "insee", "nhs", "national insurance", "id number", "national id",
    "tax id", "personal id", "codice fiscale", "dni", "nie", "pan", "nino", "-id", " id",
    "steuer-id", "steuernummer", "rg", "cpf/cnpj", "身分証", "番号",
)  # fmt: skip


# What may stand between a context word and its value: punctuation and the small words of the
# supported languages ("DOB: ", "born on ", "geboren am ", "né le ", "nacido el "). Matched on
# the reversed text, from its start: one linear pass, where "(...)+$" tries every position.
_FILLER_WORDS = (
    "number|num|no|nr|n°|is|was|of|on|at|the|am|le|la|el|il|em|op|est|ist|es|è|é|de|du|do|da|"
    "van|der"
)
_LEAD_FILLER_REVERSED = re.compile(
    r"(?:[\s:#.=,()/-]|\b(?:" + "|".join(w[::-1] for w in _FILLER_WORDS.split("|")) + r")\b)+"
)


@functools.lru_cache(maxsize=256)
def _words_before(text: str, start: int, window: int) -> tuple[str, str]:
    """The text right before `start`, lower case, without trailing punctuation; and the same
    without the filler words and punctuation it ends with."""
    raw = text[max(0, start - window) : start].lower().rstrip(" :#.=,()/-")
    filler = _LEAD_FILLER_REVERSED.match(raw[::-1])
    return raw, raw[: len(raw) - filler.end()] if filler else raw


def has_context(text: str, start: int, words: tuple[str, ...], window: int = 48) -> bool:
    """True when the words right before `start` end with one of `words`; a context word further
    back, before other text, does not count."""
    raw, before = _words_before(text, start, window)
    return raw.endswith(words) or before.endswith(words)
