"""Benchmarks that print figures and ratios against the budgets in DESIGN.md §8."""
