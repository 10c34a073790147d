"""Benchmarks: scripts run as ``python -m benchmarks.<name>``; they print figures and ratios."""
