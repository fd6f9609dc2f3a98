"""Fuzzing factx: the invariants every run must hold (`checks`), for the test suite and the atheris harness."""
