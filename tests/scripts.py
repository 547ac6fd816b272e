"""Run many scripts as a reader would, quickly: each in its own process, in an empty folder.

Starting Python and importing NumPy and Matplotlib takes seconds, so running every listing and every
exercise in a fresh interpreter would dominate the test suite. Instead one interpreter imports them
once, then forks one child per script. Each child starts in an empty temporary folder, with this
project's packages (``snippets``, ``site_tools``) made unimportable, warnings turned into errors and
Matplotlib's non-interactive backend, and runs the script as ``__main__``. What the child writes to
stderr, its exit status and the files it leaves behind are reported per script.
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

LAUNCHER = r"""
import os, runpy, sys, tempfile, traceback, warnings
warnings.simplefilter("error")
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot, numpy  # imported once, before forking
sys.modules.update(dict.fromkeys(["snippets", "site_tools"]))
for script, folder in zip(sys.argv[1::2], sys.argv[2::2]):
    pid = os.fork()
    if pid == 0:
        os.chdir(folder)
        with open(os.path.join(folder, ".stderr"), "w") as err:
            os.dup2(err.fileno(), 2)
        sys.stderr = os.fdopen(2, "w", buffering=1)
        code = 0
        try:
            runpy.run_path(script, run_name="__main__")
        except BaseException:
            traceback.print_exc()
            code = 1
        sys.stderr.flush()
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    with open(os.path.join(folder, ".status"), "w") as out:
        out.write(str(os.waitstatus_to_exitcode(status)))
"""


@dataclass(frozen=True)
class ScriptRun:
    """How one script ended."""

    script: Path
    status: int
    stderr: str
    files: list[str]


def run_scripts(scripts: list[Path], env: dict[str, str] | None = None) -> dict[Path, ScriptRun]:
    """Run each script in a forked child, in an empty folder of its own; return how each ended."""
    import subprocess

    with tempfile.TemporaryDirectory() as scratch:
        folders = [Path(scratch) / f"{i}" for i in range(len(scripts))]
        for folder in folders:
            folder.mkdir()
        arguments = [str(part) for pair in zip(scripts, folders, strict=True) for part in pair]
        base = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
        subprocess.run(
            [sys.executable, "-c", LAUNCHER, *arguments],
            env={**base, "MPLBACKEND": "Agg", **(env or {})},
            check=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
        )
        runs = {}
        for script, folder in zip(scripts, folders, strict=True):
            leftovers = sorted(p.name for p in folder.iterdir() if p.name not in {".stderr", ".status"})
            runs[script] = ScriptRun(
                script,
                int((folder / ".status").read_text()),
                (folder / ".stderr").read_text(),
                leftovers,
            )
        return runs
