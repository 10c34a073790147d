"""Benchmarks: scripts that print figures and ratios (never timing assertions in the test suite).

Run one with ``python -m benchmarks.<name>``, or all with ``make bench`` (``python -m benchmarks``).
"""
