"""Learners: progress, hours and credits derived from their learning records."""
