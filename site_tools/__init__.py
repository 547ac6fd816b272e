"""Build tooling for the tutorial site: runs the listings, converts math, adapts both to MkDocs."""

import os


def usable_cpus() -> int:
    """Return how many CPUs this process may run on (its CPU affinity, where the system has one)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
