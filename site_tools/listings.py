"""Run the tutorial's listings and cache what they print and draw.

This is a plain module: MkDocs calls it through a thin hook (``site_tools/mkdocs_hooks.py``), the tests
call it directly, and ``python -m site_tools.listings`` runs it from a shell.

Each listing runs in its own process, forked by ``site_tools.run_listing`` (which imports
Matplotlib once, if a listing uses it), so listings cannot disturb each other or the caller, and they
run in parallel.

Listings that measure time (they ``import time``) run after the others, one at a time. On a machine
with two CPUs or more, those among them that draw nothing can run in the background instead
(:func:`runs_in_background`, :func:`build_in_background`), on one CPU while MkDocs renders the pages on
the other: their results are then :class:`LazyRun` objects, which wait for the build when first read.
The MkDocs hook builds the other listings in the background too, while it prepares the notebooks,
and waits for them before any page or figure is published (``may_draw``).

Results are cached by content: the cache key of a listing is a hash of its bytes, of the runner
(which sets the figure style) and of the Python, NumPy and Matplotlib versions. A build with nothing
changed runs nothing; editing one listing re-runs that listing only. A cache entry is written to a
temporary folder and renamed into place once complete, so a failed or interrupted run never leaves a
partial entry behind. A failing listing raises :class:`ListingError` with the listing's traceback.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

from site_tools import run_listing, usable_cpus

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
RUNNER = Path(__file__).with_name("run_listing.py")
PALETTES = tuple(run_listing.PALETTES)  # ("light", "dark")


class ListingError(RuntimeError):
    """A listing failed to run; the message holds its traceback."""


@dataclass(frozen=True)
class Figure:
    """One figure a listing showed, saved once per site palette."""

    number: int
    light: Path
    dark: Path

    def site_path(self, listing: str, palette: str) -> str:
        """Where the figure is published in the site, e.g. ``figures/step06_plot_sine-1-light.png``."""
        return f"figures/{listing}-{self.number}-{palette}.png"


@dataclass(frozen=True)
class Run:
    """What one listing printed, drew and ended with."""

    name: str
    source: Path
    directory: Path
    stdout: str
    values: dict[str, Any]
    figures: tuple[Figure, ...]


@dataclass
class Report:
    """The result of :func:`build`: every listing's run, and which of them were executed (not cached)."""

    runs: dict[str, Run] = field(default_factory=dict)
    executed: list[str] = field(default_factory=list)


def discover(folder: Path = SNIPPETS) -> list[Path]:
    """Return the listings in ``folder``: every ``.py`` file except ``__init__.py`` and ``_private.py``."""
    return sorted(p for p in folder.glob("*.py") if not p.name.startswith("_"))


def cache_dir(root: Path = ROOT) -> Path:
    """Return the cache folder: ``$TUTORIAL_CACHE_DIR`` if set, else ``ROOT/.cache/listings``."""
    return Path(os.environ.get("TUTORIAL_CACHE_DIR", root / ".cache" / "listings"))


def environment_fingerprint() -> bytes:
    """Everything besides the listing itself that shapes its output: Python, NumPy, Matplotlib, runner."""
    parts = [sys.version, version("numpy"), version("matplotlib"), RUNNER.read_text(encoding="utf-8")]
    return "\0".join(parts).encode()


def key(listing: Path, environment: bytes | None = None) -> str:
    """Return the cache key of ``listing``: a hash of its bytes and of :func:`environment_fingerprint`."""
    digest = hashlib.sha256(environment_fingerprint() if environment is None else environment)
    digest.update(b"\0" + listing.read_bytes())
    return digest.hexdigest()[:16]


def _load(name: str, source: Path, directory: Path) -> Run:
    figures = []
    number = 1
    while (directory / f"{number}-light.png").exists():
        figures.append(Figure(number, directory / f"{number}-light.png", directory / f"{number}-dark.png"))
        number += 1
    return Run(
        name=name,
        source=source,
        directory=directory,
        stdout=(directory / "stdout.txt").read_text(encoding="utf-8").rstrip("\n"),
        values=json.loads((directory / "values.json").read_text(encoding="utf-8")),
        figures=tuple(figures),
    )


def is_benchmark(listing: Path) -> bool:
    """Tell whether ``listing`` measures time (it imports ``time``): it then runs alone, after the rest.

    (Or in the background, while MkDocs renders pages on another CPU: see :func:`runs_in_background`.)
    """
    return any(
        line.split()[:2] == ["import", "time"] for line in listing.read_text(encoding="utf-8").splitlines()
    )


def _execute(jobs: dict[Path, Path], parallel: bool = True) -> dict[Path, str]:
    """Run the listings ``{listing: cache target}`` in one runner process; return errors by listing."""
    if not jobs:
        return {}
    scratch = {}
    for listing, target in jobs.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        scratch[listing] = Path(tempfile.mkdtemp(prefix=f".{listing.stem}-", dir=target.parent))
    workdir = Path(tempfile.mkdtemp(prefix="listing-cwd-"))
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0", "OPENBLAS_NUM_THREADS": "1"}
    if not parallel:
        env["LISTING_JOBS"] = "1"
    arguments = [str(part) for listing in jobs for part in (listing, scratch[listing])]
    errors: dict[Path, str] = {}
    try:
        done = subprocess.run(
            [sys.executable, str(RUNNER), *arguments],
            cwd=workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
        for listing, target in jobs.items():
            folder = scratch[listing]
            if (folder / "error.txt").exists():
                errors[listing] = (folder / "error.txt").read_text(encoding="utf-8")
            elif not (folder / "done").exists():
                errors[listing] = f"the runner stopped (exit {done.returncode}):\n{done.stderr}"
            else:
                (folder / "done").unlink()
                folder.rename(target)
        if done.stderr and not errors:
            errors[next(iter(jobs))] = (
                f"the runner wrote to stderr (warnings are errors here):\n{done.stderr}"
            )
    finally:
        for folder in scratch.values():
            shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(workdir, ignore_errors=True)
    return errors


def _prune(folder: Path, keep: str) -> None:
    for old in folder.iterdir():
        if old.name != keep and not old.name.startswith("."):
            shutil.rmtree(old, ignore_errors=True)


def build(listings: list[Path] | None = None, cache: Path | None = None) -> Report:
    """Run every listing that has no cache entry yet and return all their results.

    Parameters
    ----------
    listings
        The listing files; by default every listing in ``snippets/``.
    cache
        The cache folder; by default :func:`cache_dir` of the project the listings belong to.

    Raises
    ------
    ListingError
        If a listing fails. Listings that succeeded are cached all the same.
    """
    listings = discover() if listings is None else listings
    cache = cache_dir(listings[0].parent.parent if listings else ROOT) if cache is None else cache
    report = Report()
    environment = environment_fingerprint()
    targets = {p: cache / p.stem / key(p, environment) for p in listings}
    stale = {p: target for p, target in targets.items() if not (target / "values.json").exists()}
    # Benchmarks run last and one at a time, so that the build's own parallel work does not slow the
    # code they time.
    errors = _execute({p: t for p, t in stale.items() if not is_benchmark(p)})
    errors |= _execute({p: t for p, t in stale.items() if is_benchmark(p)}, parallel=False)
    for listing, target in stale.items():
        if listing not in errors:
            report.executed.append(listing.stem)
            _prune(target.parent, keep=target.name)
    if errors:
        raise ListingError("\n\n".join(f"{p} failed:\n{text}" for p, text in errors.items()))
    for listing, target in targets.items():
        report.runs[listing.stem] = _load(listing.stem, listing, target)
    return report


def runs_in_background(listing: Path) -> bool:
    """Tell whether ``listing`` may run in the background: it measures time and draws nothing.

    Only with two CPUs or more (counting those this process may use), so that its timings are taken on
    a CPU of its own while the build renders pages on another.
    """
    return usable_cpus() >= 2 and is_benchmark(listing) and not run_listing.imports_matplotlib(listing)


class Pending:
    """Listings being built in a background thread, by :func:`build_in_background`."""

    def __init__(self, listings: list[Path], cache: Path | None, may_draw: bool = False) -> None:
        self.names = [p.stem for p in listings]
        self._may_draw = may_draw
        self._report: Report | None = None
        self._error: BaseException | None = None
        # Not a daemon: should the build fail meanwhile, Python waits for the runner to end and for
        # its scratch folders to be removed before it exits.
        self._thread = threading.Thread(target=self._build, args=(listings, cache))
        self._thread.start()

    def _build(self, listings: list[Path], cache: Path | None) -> None:
        try:
            report = build(listings, cache)
            drawn = [name for name, run in report.runs.items() if run.figures]
            if drawn and not self._may_draw:
                raise ListingError(f"{', '.join(drawn)}: a listing built in the background must not draw")
            self._report = report
        except BaseException as error:  # noqa: BLE001 (raised again by result(), in the caller's thread)
            self._error = error

    def result(self) -> Report:
        """Wait for the build to end; return its report, or raise what it raised.

        Raises
        ------
        ListingError
            If a listing failed, or drew a figure when it may not (its figures would be published too
            late).
        """
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._report is not None
        return self._report

    def wait(self) -> None:
        """Wait for the build to end, whether it succeeded or not (before starting another one)."""
        self._thread.join()

    def runs(self) -> dict[str, LazyRun]:
        """Return a :class:`LazyRun` for each listing, by name."""
        return {name: LazyRun(self, name) for name in self.names}


class LazyRun:
    """Stands for the :class:`Run` of a listing built in the background: reading a field waits for it."""

    def __init__(self, pending: Pending, name: str) -> None:
        self._pending = pending
        self.name = name

    def __getattr__(self, field: str) -> Any:
        if field not in Run.__dataclass_fields__:
            raise AttributeError(field)  # without waiting: templates probe objects for many names
        return getattr(self._pending.result().runs[self.name], field)

    def __repr__(self) -> str:
        return f"LazyRun({self.name!r})"


def build_in_background(
    listings: list[Path], cache: Path | None = None, *, may_draw: bool = False
) -> Pending:
    """Start :func:`build` of ``listings`` in a thread and return at once.

    Unless ``may_draw``, the listings must not draw: their figures would come too late to be
    published (see :func:`runs_in_background`). A caller that waits for the result before it
    publishes any figure (the MkDocs hook, which prepares the notebooks meanwhile) may allow it.
    """
    return Pending(listings, cache, may_draw)


def main() -> None:
    """Build every listing and say which ran and which came from the cache."""
    report = build()
    for name, run in report.runs.items():
        how = "ran" if name in report.executed else "cached"
        print(
            f"{how:6} {name}: {len(run.figures)} figure(s), {len(run.stdout.splitlines())} line(s) of output"
        )


if __name__ == "__main__":
    main()
