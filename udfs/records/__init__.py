"""Records in a batch: parse raw payloads against the policy, mask them, quarantine the rest."""
