"""Build tooling for the tutorial site: runs the listings, converts math, adapts both to MkDocs."""

import os

# nbconvert's command-line app, when it is imported, loads every exporter any installed package
# registers, only to list their names in its help: 0.5 CPU-s in every process that imports it (the
# build, its notebook workers, the test processes). The site names its exporter directly. Set here,
# in the package every tool of the site imports first: MkDocs, too, imports it (the site_tools.mathml
# Markdown extension) before it loads the mkdocs-jupyter plugin, which imports nbconvert.
os.environ.setdefault("NBCONVERT_DISABLE_CONFIG_EXPORTERS", "1")


def usable_cpus() -> int:
    """Return how many CPUs this process may run on (its CPU affinity, where the system has one)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
