"""Benchmarks: speed and memory targets, measured outside the unit tests."""
