"""The discrete-event simulator: one fresh SimPy environment per replication."""
