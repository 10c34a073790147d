"""Orchestration: read from storage, call the pure domain packages, write back. No HTTP, no CLI."""
