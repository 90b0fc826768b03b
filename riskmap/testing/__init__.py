"""Networks for tests and benchmarks (not used by the commands)."""
