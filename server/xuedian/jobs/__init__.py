"""Scheduled jobs: the registry every feature adds its jobs to, and the one scheduler process."""
