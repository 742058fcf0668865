"""The batch masker behind both the Flink UDF and preview: metadata and row digests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest

from tests.paths import REPO
from udfs.crypto.digest import row_digests
from udfs.crypto.keys import KeyRing
from udfs.policy.model import compile_policy
from udfs.records.masking import RecordMasker
from udfs.sql_types import SqlType, parse_sql_type

KEYS = KeyRing("k1", {"k1": b"m" * 32})
DOC = {
    "dataset": "t",
    "version": 4,
    "fields": [
        {"name": "id", "type": "STRING", "mask": "keep"},
        {"name": "ssn", "type": "STRING", "tags": ["pii.ssn"], "mask": {"op": "mask"}},
        {"name": "cid", "type": "STRING", "mask": {"op": "tokenize"}},
    ],
}


def _mask(ids: list, ssns: list, cids: list) -> pd.DataFrame:
    policy = compile_policy(DOC, "t.yaml")
    batch = {
        "id": pd.Series(ids, dtype=object),
        "ssn": pd.Series(ssns, dtype=object),
        "cid": pd.Series(cids, dtype=object),
    }
    return RecordMasker(policy, KEYS).mask_batch(batch, pd.Series(["file:/a"] * len(ids)))


def test_masked_fields_lists_only_non_null_masked_values() -> None:
    out = _mask(["1", "2"], ["123-45-6789", None], [None, "C1"])
    assert out["masked_fields"].tolist() == ["ssn", "cid"]
    assert out["ssn"].tolist() == ["nnn-nn-nnnn", None]


def test_token_key_id_is_set_when_the_policy_is_keyed() -> None:
    assert _mask(["1"], ["x"], ["C1"])["token_key_id"].tolist() == ["k1"]


def test_digest_changes_when_any_column_changes() -> None:
    # "x" and "1" mask to "x" and "n": every row differs in exactly one masked column.
    a = _mask(["1", "1", "2"], ["x", "1", "x"], ["C", "C", "C"])["row_digest"].tolist()
    assert len(set(a)) == 3


def test_digest_is_the_same_for_the_same_row() -> None:
    a = _mask(["1"], ["x"], ["C"])["row_digest"].tolist()
    b = _mask(["1"], ["x"], ["C"])["row_digest"].tolist()
    assert a == b


def test_digest_rendering_is_independent_of_representation() -> None:
    dec = parse_sql_type("DECIMAL(12, 2)")
    ts = SqlType("TIMESTAMP(3)")
    left = row_digests(
        [
            (pd.Series([Decimal("16000.00")], dtype=object), dec),
            (pd.Series([pd.Timestamp("2026-01-01 08:00:00.120")]), ts),
            (pd.Series(["7"], dtype=object), SqlType("INT")),
            (pd.Series([dt.date(2020, 1, 2)], dtype=object), SqlType("DATE")),
        ]
    )
    right = row_digests(
        [
            (pd.Series([16000.0], dtype=object), dec),
            (pd.Series(["2026-01-01 08:00:00.12"], dtype=object), ts),
            (pd.Series([7], dtype=object), SqlType("INT")),
            (pd.Series(["2020-01-02"], dtype=object), SqlType("DATE")),
        ]
    )
    assert left == right


def test_row_digest_is_the_sha256_of_the_rows_canonical_json() -> None:
    # The definition a verifier recomputes: json.dumps(row, ensure_ascii=False,
    # separators=(",", ":")) of the rendered values; text nulls may come as None or NaN.
    import hashlib
    import json

    texts = ["plain", None, float("nan"), 'a "quote"', "back\\slash", "tab\tnew\nline", "é€😀"]
    ints = [1, 2, None, 4, 5, 6, 7]
    digests = row_digests(
        [
            (pd.Series(texts, dtype=object), SqlType("STRING")),
            (pd.Series(ints, dtype=object), SqlType("INT")),
        ]
    )
    rows = [
        [None if isinstance(t, float) else t, None if i is None else str(i)]
        for t, i in zip(texts, ints, strict=True)
    ]
    want = [
        hashlib.sha256(
            json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode()
        ).hexdigest()
        for row in rows
    ]
    assert digests == want


@pytest.mark.parametrize(
    ("type_sql", "values"),
    [
        ("DECIMAL(12, 2)", [Decimal("1.0"), Decimal("1.00"), 1.0, Decimal("-0.00"), None, 2.5]),
        ("DATE", [dt.date(2020, 1, 2), dt.datetime(2020, 1, 2, 5), "2020-01-02", None]),
        ("DATE", [pd.Timestamp("2021-03-04 10:00"), dt.date(2021, 3, 4), float("nan")]),
        ("BOOLEAN", [True, 1, 1.0, "true", "TRUE", False, 0, "no", None]),
        ("INT", [1, 1, 2, None, 7, 7]),  # all ints: once per distinct value
        ("INT", [1, True, 1.0, "1", None]),  # equal, yet rendered apart: value by value
        ("BIGINT", [2**62, 2**62, -(2**62), None]),
    ],
)
def test_rendering_once_per_distinct_value_equals_rendering_each(
    type_sql: str, values: list
) -> None:
    # Rendering repeats once per distinct value of a batch where equal values render alike;
    # every value must still render exactly as its own renderer says.
    from udfs.crypto.digest import _RENDERERS, render_column

    sql_type = parse_sql_type(type_sql)
    one = _RENDERERS[sql_type.kind]
    want = [None if pd.isna(v) else one(v) for v in values]
    assert render_column(pd.Series(values, dtype=object), sql_type) == want


# --- the memo: per-value results kept across batches -------------------------------------


def test_map_values_memo_runs_a_function_once_per_text_value_across_batches() -> None:
    from udfs.columns import map_values

    calls: list[object] = []

    def fn(v: object) -> str:
        calls.append(v)
        return f"<{v}>"

    memo: dict[str, object] = {}
    first = map_values(pd.Series(["a", "b", "a", None], dtype=object), fn, memo)
    second = map_values(pd.Series(["b", "c", "a"], dtype=object), fn, memo)
    assert first.tolist() == ["<a>", "<b>", "<a>", None]
    assert second.tolist() == ["<b>", "<c>", "<a>"]
    assert calls == ["a", "b", "c"]  # "a" and "b" came from the memo in the second batch


def test_map_values_memo_keeps_only_text_keys() -> None:
    # 1, 1.0 and True are one dict key but three different texts: they never share a result.
    from udfs.columns import map_values

    memo: dict[str, object] = {}
    outs = [map_values(pd.Series([v], dtype=object), repr, memo)[0] for v in (1, 1.0, "1", 1)]
    assert outs == ["1", "1.0", "'1'", "1"]
    assert memo == {"1": "'1'"}


def test_map_values_memo_is_bounded() -> None:
    from udfs import columns

    memo = {f"v{i}": i for i in range(columns.MEMO_LIMIT + 1)}
    columns.map_values(pd.Series(["x"], dtype=object), str.upper, memo)
    assert memo == {"x": "X"}  # it started afresh rather than grow


def test_a_masker_with_a_warm_memo_masks_like_a_fresh_one() -> None:
    policy = compile_policy(DOC, "t.yaml")
    warm = RecordMasker(policy, KEYS)

    def batch(ids: list[str], cids: list[str | None]) -> dict[str, pd.Series]:
        return {
            "id": pd.Series(ids, dtype=object),
            "ssn": pd.Series(["1"] * len(ids), dtype=object),
            "cid": pd.Series(cids, dtype=object),
        }

    refs = pd.Series(["file:/a"] * 3)
    warm.mask_batch(batch(["1", "2", "3"], ["C1", "C2", None]), refs)
    assert len(warm.memos["cid"]) == 2
    second = batch(["4", "5", "6"], ["C2", "C3", "C1"])
    fresh = RecordMasker(policy, KEYS).mask_batch(second, refs)
    pd.testing.assert_frame_equal(warm.mask_batch(second, refs), fresh)
    # A masker under another key ring has its own memo: its tokens differ.
    other = RecordMasker(policy, KeyRing("k2", {"k2": b"n" * 32})).mask_batch(second, refs)
    assert set(other["cid"]).isdisjoint(fresh["cid"])


def test_mask_payloads_returns_the_result_columns_in_order_with_verdicts() -> None:
    # PyFlink reads the UDF's result by position: the order must be result_columns'.
    import json

    from udfs.records.masking import result_columns

    policy = compile_policy(DOC, "t.yaml")
    good = json.dumps({"id": "1", "ssn": "123-45-6789", "cid": "C1"}).encode()
    out = RecordMasker(policy, KEYS).mask_payloads(
        [good, b"{not json", good], pd.Series(["file:/a"] * 3)
    )
    assert list(out.columns) == [name for name, _ in result_columns(policy)]
    assert out["_status"].tolist() == ["ok", "quarantined", "ok"]
    assert out["_error_class"].tolist() == [None, "malformed_json", None]
    assert out["_payload_bytes"].tolist() == [len(good), 9, len(good)]
    assert out["_payload_digest"][0] is None and out["_payload_digest"][1] is not None
    assert out["_payload_shape"][0] is None and out["_payload_shape"][1] is not None
    assert out["masked_fields"].tolist() == ["ssn,cid", None, "ssn,cid"]


def test_masking_with_the_parsers_arrow_columns_equals_masking_without() -> None:
    # Character masks take a STRING column's Arrow form when the parser hands it over; the
    # masked batch (digests included) must not depend on it. Both reference policies.
    import json

    from maskstream.generate import generate_events, generate_payments
    from udfs.policy.model import load_policy
    from udfs.records.masking import _udf_column
    from udfs.records.parse_fast import parse_payloads_fast

    for name, events in (
        ("customers", list(generate_events(3_000, seed=21))),
        ("payments", list(generate_payments(3_000, seed=21))),
    ):
        policy = load_policy(REPO / "conf" / "policies" / f"{name}.yaml")
        parsed = parse_payloads_fast([json.dumps(e).encode() for e in events], policy)
        character_masked = {r.name for r in policy.masked if r.operator.name.startswith("mask")}
        assert character_masked and character_masked <= set(parsed.arrow), name
        batch = {f.name: _udf_column(parsed.columns[f.name], f.input_type) for f in policy.fields}
        refs = pd.Series([f"file:/{name}"] * len(events))
        with_arrow = RecordMasker(policy, KEYS).mask_batch(batch, refs, parsed.arrow)
        without = RecordMasker(policy, KEYS).mask_batch(batch, refs)
        differing = (with_arrow != without) & ~(with_arrow.isna() & without.isna())
        assert int(differing.to_numpy().sum()) == 0, name


@pytest.mark.parametrize("fields", [1, 7, 8, 9, 17, 70])
def test_field_lists_name_exactly_the_present_fields_of_each_row(fields: int) -> None:
    # Built once per pattern of present fields; must equal the row-by-row definition for any
    # number of fields (patterns are packed 8 fields a byte, trailing zero bytes included).
    import numpy as np

    from udfs.records.masking import _field_lists

    rng = np.random.default_rng(fields)
    names = [f"f{i}" for i in range(fields)]
    present = [rng.random(500) < p for p in rng.uniform(0.0, 1.0, fields)]
    present[0][:3] = False  # some rows with nothing present in the first byte
    got = _field_lists(names, present, 500)
    rows = zip(*present, strict=True)
    want = [",".join(n for n, has in zip(names, row, strict=True) if has) for row in rows]
    assert sum(g != w for g, w in zip(got.tolist(), want, strict=True)) == 0
    everything_missing = _field_lists(names, [np.zeros(4, dtype=bool)] * fields, 4)
    assert everything_missing.tolist() == [""] * 4
