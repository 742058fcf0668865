"""Masking policies: the validated model of a policy file, and how versions may evolve."""
