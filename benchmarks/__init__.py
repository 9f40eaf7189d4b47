"""Benchmarks: `python -m benchmarks` prints the simulated deploy time of each stack's graph and the wall time
and memory of the offline loop, each against its target."""
