"""Benchmark the build, its edit loop and the test suite, against the project's targets.

Usage: ``uv run python -m site_tools.bench [--repeat N] [--pytest N]``

Prints the median (and the spread) of N runs of each scenario:

- cold build: ``mkdocs build --strict`` in a fresh process with empty caches (every listing and
  every exercise notebook runs);
- warm build: the same with nothing changed (a fresh process, so it includes Python's start-up);
- serve rebuilds: what ``mkdocs serve`` does in its long-running process when a file changes, i.e. a
  full in-process build with a freshly loaded config, after (a) no change, (b) editing one Markdown
  page, (c) editing one listing (which re-runs that listing and no other);
- with ``--pytest N``: the README's test command, ``uv run pytest``, as CI runs it (``CI=true``), in
  N fresh clones of the last commit (each synced first, as ``.ci/run`` does; the sync is not timed).

For the cold build and the test suite it also prints the CPU work they did. Where this process may
make a cgroup (Linux, as root: cgroup v1's ``cpuacct`` or cgroup v2), the command runs in a cgroup of
its own, and the work is exactly the CPU time its processes used, whatever else the machine was doing.
Elsewhere it is the CPU time every process of the machine used meanwhile (from ``/proc/stat``; so run
it on an otherwise idle machine). That work divided by the number of CPUs is the least time the run
could take here, however well it shares them out: a target below it needs less work, not better
scheduling.

Edits are made to the real files and reverted afterwards. Times are wall-clock seconds on this
machine; compare medians and ratios from one run, not numbers from different days.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
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


def cpu_work() -> float | None:
    """Return the CPU time, in seconds, that all the machine's processes have used since it started.

    Read from ``/proc/stat`` (Linux): time spent in user and system mode and serving interrupts, not
    idle, waiting for I/O or stolen by a hypervisor. None where there is no such file.
    """
    try:
        first = Path("/proc/stat").read_text(encoding="ascii").split("\n", 1)[0].split()
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq = (int(v) for v in first[1:8])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def machine_cpus() -> int:
    """Return how many CPUs :func:`cpu_work` counts: the machine's (``cpuN`` lines of /proc/stat)."""
    lines = Path("/proc/stat").read_text(encoding="ascii").splitlines()
    return sum(1 for line in lines if line.startswith("cpu") and line[3:4].isdigit())


#: Where a new cgroup can be made, and the file of its CPU time: cgroup v1's ``cpuacct`` hierarchy (in
#: nanoseconds), then cgroup v2's unified one (``usage_usec`` in ``cpu.stat``).
CGROUP_ROOTS = [(Path("/sys/fs/cgroup/cpuacct"), "cpuacct.usage"), (Path("/sys/fs/cgroup"), "cpu.stat")]


def new_cgroup(roots: list[tuple[Path, str]] = CGROUP_ROOTS) -> Path | None:
    """Make a cgroup for one measured command and return its folder; None where none can be made."""
    for root, usage in roots:
        if (root / usage).exists():
            with contextlib.suppress(OSError):
                return Path(tempfile.mkdtemp(prefix="bench-", dir=root))
    return None


#: How long, in seconds, a measured command's helpers may take to exit after it.
CGROUP_EXIT_WAIT = 5.0


def _has_processes(group: Path) -> bool:
    """Tell whether a process is still in ``group``."""
    try:
        return bool((group / "cgroup.procs").read_text(encoding="ascii").strip())
    except OSError:
        return False


def cgroup_cpu(group: Path) -> float:
    """Return the CPU time, in seconds, that the processes of ``group`` (and their children) have used."""
    if (group / "cpuacct.usage").exists():
        return int((group / "cpuacct.usage").read_text(encoding="ascii")) / 1e9
    fields = dict(line.split() for line in (group / "cpu.stat").read_text(encoding="ascii").splitlines())
    return int(fields["usage_usec"]) / 1e6


@dataclass
class Measure:
    """One timed run: its wall-clock seconds, and its CPU work (None if unknown).

    The work is the command's own processes' (measured in a cgroup) or, where no cgroup could be made,
    the whole machine's meanwhile; ``own`` tells which.
    """

    seconds: float
    work: float | None
    own: bool = False


def timed(run: Callable[[], object]) -> Measure:
    """Call ``run`` and measure it (the CPU work: the machine's)."""
    work, start = cpu_work(), time.perf_counter()
    run()
    seconds, end = time.perf_counter() - start, cpu_work()
    return Measure(seconds, None if work is None or end is None else end - work)


def timed_command(command: list[str], **options: object) -> tuple[subprocess.CompletedProcess, Measure]:
    """Run ``command`` (``subprocess.run`` with ``options``) and measure it.

    In a cgroup of its own where one can be made, so that its CPU work is its processes' alone (the
    cgroup is removed afterwards); if none can be made or entered, the work is the machine's.
    """
    group = new_cgroup()
    if group is not None:
        # A shell puts itself into the cgroup, if it may, then becomes the command: its processes count.
        enter = '{ echo $$ > "$0/cgroup.procs"; } 2>/dev/null; exec "$@"'
        command = ["sh", "-c", enter, str(group), *command]
    finished: list[subprocess.CompletedProcess] = []
    try:
        machine = timed(lambda: finished.append(subprocess.run(command, check=False, **options)))
        own = 0.0
        if group is not None:
            # Helpers that the command started (a build's kernels, say) may still be exiting: their last
            # CPU time counts too, and a cgroup can be removed only once it is empty.
            give_up = time.monotonic() + CGROUP_EXIT_WAIT
            while _has_processes(group) and time.monotonic() < give_up:
                time.sleep(0.05)
            own = cgroup_cpu(group)
    finally:
        if group is not None:
            with contextlib.suppress(OSError):
                group.rmdir()
    return finished[0], Measure(machine.seconds, own, own=True) if own > 0 else machine


def cli_build(site: Path, cache: Path) -> Measure:
    """Time one ``mkdocs build --strict`` in a new process, with listing and notebook caches in ``cache``."""
    env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "TUTORIAL_CACHE_DIR": str(cache / "listings"),
        "TUTORIAL_NOTEBOOK_CACHE_DIR": str(cache / "notebooks"),
    }
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(site)]
    done, measured = timed_command(command, cwd=ROOT, env=env)
    done.check_returncode()
    return measured


def test_suite(scratch: Path) -> Measure:
    """Time the README's test command, as CI runs it, in a fresh clone of the last commit.

    Raises
    ------
    RuntimeError
        If the tests fail (with the end of their output).
    """
    folder = Path(tempfile.mkdtemp(dir=scratch))
    clone = folder / "clone"
    try:
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        # The clone's own environment and caches, as on a fresh checkout, not this process's.
        ours = ("VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT", "TUTORIAL_CACHE_DIR", "TUTORIAL_NOTEBOOK_CACHE_DIR")
        env = {k: v for k, v in os.environ.items() if k not in ours}
        env |= {"UV_PYTHON_DOWNLOADS": "never", "NO_MKDOCS_2_WARNING": "1"}
        sync = ["uv", "sync", "--locked", "--compile-bytecode", "--quiet"]
        subprocess.run(sync, cwd=clone, env=env, check=True)
        log = folder / "pytest.log"
        with log.open("w", encoding="utf-8") as out:
            done, measured = timed_command(
                ["uv", "run", "pytest"],
                cwd=clone,
                env={**env, "CI": "true"},
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        if done.returncode != 0:
            tail = "\n".join(log.read_text(encoding="utf-8").splitlines()[-30:])
            raise RuntimeError(f"the tests failed (exit {done.returncode}):\n{tail}")
        return measured
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def serve_rebuild(site: Path) -> Measure:
    """One in-process rebuild with a fresh config, as ``mkdocs serve`` does on a change."""

    def rebuild() -> None:
        with contextlib.chdir(ROOT):
            build(load_config(str(ROOT / "mkdocs.yml"), site_dir=str(site), strict=True))

    return timed(rebuild)


def report(label: str, runs: list[Measure], target: float | None = None, work: bool = False) -> None:
    """Print the median and range of the runs' times, and whether the median meets ``target``.

    With ``work``, also the median CPU work, and the least time that work could take on this machine's
    CPUs.
    """
    times = [run.seconds for run in runs]
    median = statistics.median(times)
    goal = f"  (target <= {target:g} s: {'met' if median <= target else 'MISSED'})" if target else ""
    spread = f"{min(times):.2f}-{max(times):.2f}"
    print(f"{label:34} median {median:6.2f} s   range {spread:>13} s   n={len(times)}{goal}")
    done = [run.work for run in runs if run.work is not None]
    if work and done:
        cpus = machine_cpus()
        spent = statistics.median(done)
        whose = "its processes'" if all(run.own for run in runs) else "the machine's"
        print(
            f"{'':34} CPU work {spent:6.1f} CPU-s (range {min(done):.1f}-{max(done):.1f}, {whose}): "
            f"at least {spent / cpus:.1f} s on {cpus} CPU(s)"
        )


def measure(repeat: int, run: Callable[[], Measure]) -> list[Measure]:
    """Call ``run`` ``repeat`` times and return what each call measured."""
    return [run() for _ in range(repeat)]


def main() -> None:
    """Run every scenario and print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per scenario (default 3)")
    parser.add_argument("--pytest", type=int, default=0, metavar="N", help="also time the test suite N times")
    arguments = parser.parse_args()
    repeat = arguments.repeat
    logging.disable(logging.WARNING)
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    counter = [0]
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        print(f"Benchmark on {os.cpu_count()} CPU(s), Python {sys.version.split()[0]}, {repeat} run(s) each")

        def cold() -> Measure:
            return cli_build(tmp / "site", Path(tempfile.mkdtemp(dir=tmp)))

        warm_cache = tmp / "warm-cache"
        cli_build(tmp / "site", warm_cache)
        report("cold build (empty cache, CLI)", measure(repeat, cold), target=20, work=True)
        warm = measure(repeat, lambda: cli_build(tmp / "site", warm_cache))
        report("warm build (nothing changed, CLI)", warm)

        os.environ["TUTORIAL_CACHE_DIR"] = str(warm_cache / "listings")
        os.environ["TUTORIAL_NOTEBOOK_CACHE_DIR"] = str(warm_cache / "notebooks")
        serve_rebuild(tmp / "site")  # imports, as a running `mkdocs serve` already has them

        def after_page_edit() -> Measure:
            with edited(PAGE, counter):
                return serve_rebuild(tmp / "site")

        def after_listing_edit() -> Measure:
            with edited(LISTING, counter):
                return serve_rebuild(tmp / "site")

        unchanged = measure(repeat, lambda: serve_rebuild(tmp / "site"))
        report("serve rebuild, nothing changed", unchanged, target=2)
        report("serve rebuild, one page edited", measure(repeat, after_page_edit), target=1)
        report("serve rebuild, one listing edited", measure(repeat, after_listing_edit))
        if arguments.pytest:
            suite = measure(arguments.pytest, lambda: test_suite(tmp))
            report("uv run pytest (fresh clone, CI)", suite, target=90, work=True)


if __name__ == "__main__":
    main()
