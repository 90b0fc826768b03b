"""Checking a scenario's ``expect:`` plan against a run."""
