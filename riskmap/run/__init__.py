"""Running replications: Monte Carlo, executors, checkpoints, samples, the work estimate."""
