"""Benchmark the build: cold, warm, and the rebuilds ``mkdocs serve`` does after an edit.

Usage: ``uv run python -m site_tools.bench [--repeat N]``

Prints the median (and the spread) of N runs of each scenario:

- cold build: ``mkdocs build --strict`` in a fresh process with empty caches (every listing and
  every exercise notebook runs);
- warm build: the same with nothing changed (a fresh process, so it includes Python's start-up);
- serve rebuilds: what ``mkdocs serve`` does in its long-running process when a file changes, i.e. a
  full in-process build with a freshly loaded config, after (a) no change, (b) editing one Markdown
  page, (c) editing one listing (which re-runs that listing and no other).

Edits are made to the real files and reverted afterwards. Times are wall-clock seconds on this
machine; compare medians and ratios from one run, not numbers from different days.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "plot-the-sine.md"
LISTING = ROOT / "snippets" / "step06_plot_sine.py"


@contextlib.contextmanager
def edited(path: Path, counter: list[int]) -> Iterator[None]:
    """Append a harmless, always different comment line to ``path``; restore it afterwards."""
    original = path.read_bytes()
    counter[0] += 1
    marker = f"\n<!-- bench {counter[0]} -->\n" if path.suffix == ".md" else f"\n# bench {counter[0]}\n"
    path.write_bytes(original + marker.encode())
    try:
        yield
    finally:
        path.write_bytes(original)


def cli_build(site: Path, cache: Path) -> float:
    """Time one ``mkdocs build --strict`` in a new process, with listing and notebook caches in ``cache``."""
    env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "TUTORIAL_CACHE_DIR": str(cache / "listings"),
        "TUTORIAL_NOTEBOOK_CACHE_DIR": str(cache / "notebooks"),
    }
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(site)]
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=True)
    return time.perf_counter() - start


def serve_rebuild(site: Path) -> float:
    """One in-process rebuild with a fresh config, as ``mkdocs serve`` does on a change."""
    start = time.perf_counter()
    with contextlib.chdir(ROOT):
        build(load_config(str(ROOT / "mkdocs.yml"), site_dir=str(site), strict=True))
    return time.perf_counter() - start


def report(label: str, times: list[float], target: float | None = None) -> None:
    """Print the median and range of ``times``, and whether the median meets ``target``."""
    median = statistics.median(times)
    goal = f"  (target <= {target:g} s: {'met' if median <= target else 'MISSED'})" if target else ""
    spread = f"{min(times):.2f}-{max(times):.2f}"
    print(f"{label:34} median {median:6.2f} s   range {spread:>11} s   n={len(times)}{goal}")


def measure(repeat: int, run: Callable[[], float]) -> list[float]:
    """Call ``run`` ``repeat`` times and return what each call measured."""
    return [run() for _ in range(repeat)]


def main() -> None:
    """Run every scenario and print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per scenario (default 3)")
    repeat = parser.parse_args().repeat
    logging.disable(logging.WARNING)
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    counter = [0]
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        print(f"Benchmark on {os.cpu_count()} CPU(s), Python {sys.version.split()[0]}, {repeat} run(s) each")

        def cold() -> float:
            return cli_build(tmp / "site", Path(tempfile.mkdtemp(dir=tmp)))

        warm_cache = tmp / "warm-cache"
        cli_build(tmp / "site", warm_cache)
        report("cold build (empty cache, CLI)", measure(repeat, cold), target=20)
        warm = measure(repeat, lambda: cli_build(tmp / "site", warm_cache))
        report("warm build (nothing changed, CLI)", warm)

        os.environ["TUTORIAL_CACHE_DIR"] = str(warm_cache / "listings")
        os.environ["TUTORIAL_NOTEBOOK_CACHE_DIR"] = str(warm_cache / "notebooks")
        serve_rebuild(tmp / "site")  # imports, as a running `mkdocs serve` already has them

        def after_page_edit() -> float:
            with edited(PAGE, counter):
                return serve_rebuild(tmp / "site")

        def after_listing_edit() -> float:
            with edited(LISTING, counter):
                return serve_rebuild(tmp / "site")

        unchanged = measure(repeat, lambda: serve_rebuild(tmp / "site"))
        report("serve rebuild, nothing changed", unchanged, target=2)
        report("serve rebuild, one page edited", measure(repeat, after_page_edit), target=1)
        report("serve rebuild, one listing edited", measure(repeat, after_listing_edit))


if __name__ == "__main__":
    main()
