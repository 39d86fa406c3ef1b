"""Test helpers for code that uses pattern_quality (needs hypothesis)."""
