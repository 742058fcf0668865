"""The PyFlink wrappers: the only modules of `udfs` that import PyFlink."""
