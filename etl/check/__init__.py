"""Validation of what was read, every problem at once, staged as typed temp tables for the load."""
