"""Benchmarks: scripts runnable as ``python -m benchmarks.<name>`` that print figures and ratios."""
