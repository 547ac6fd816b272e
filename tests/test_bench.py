"""The benchmark's CPU-work reading, which turns a measured time into the least time the work allows.

A measured command runs in a cgroup of its own where one can be made, so that its work is its own.
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import pytest

from site_tools import bench

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="CPU work is read from Linux's /proc/stat")


def test_cpu_work_counts_the_cpu_time_a_process_spends():
    before, spent = bench.cpu_work(), time.process_time()
    while time.process_time() - spent < 0.3:  # keep one CPU busy for 0.3 s
        pass
    assert bench.cpu_work() - before >= 0.25  # the whole machine's: this process's and any other's


def test_the_report_gives_the_least_time_the_work_allows(capsys: pytest.CaptureFixture[str]):
    runs = [bench.Measure(20.0, 40.0), bench.Measure(22.0, 44.0), bench.Measure(30.0, 48.0)]
    bench.report("cold build", runs, target=20, work=True)
    first, second = capsys.readouterr().out.splitlines()
    assert "median  22.00 s" in first
    assert "MISSED" in first
    cpus = bench.machine_cpus()
    assert cpus >= 1
    assert (
        f"CPU work   44.0 CPU-s (range 40.0-48.0, the machine's): at least {44 / cpus:.1f} s on {cpus}"
        in second
    )
    bench.report("cold build", [bench.Measure(20.0, 40.0, own=True)], target=20, work=True)
    assert "(range 40.0-40.0, its processes'):" in capsys.readouterr().out


def cgroups() -> set[Path]:
    """The benchmark's cgroups that exist now (the suite may itself run in one, under the benchmark)."""
    return {p for root, _ in bench.CGROUP_ROOTS if root.is_dir() for p in root.glob("bench-*")}


def test_a_command_in_its_own_cgroup_is_charged_its_own_cpu_time_only():
    if (probe := bench.new_cgroup()) is None:
        pytest.skip("this machine lets no process make a cgroup (not root, or no cgroup file system)")
    probe.rmdir()
    before = cgroups()
    spin = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.4: pass"
    done, busy = bench.timed_command([sys.executable, "-c", spin])
    assert done.returncode == 0
    assert busy.own
    assert busy.work >= 0.35
    # Meanwhile this process keeps a CPU busy: the machine works, the command (asleep) does not.
    stop = threading.Event()
    spinner = threading.Thread(target=lambda: [None for _ in iter(stop.is_set, True)])
    machine = bench.cpu_work()
    spinner.start()
    try:
        done, idle = bench.timed_command(["sleep", "0.5"])
    finally:
        stop.set()
        spinner.join()
    assert done.returncode == 0
    assert idle.own
    assert idle.work < 0.1
    assert bench.cpu_work() - machine >= 0.3
    # A helper that outlives the command (a build's kernel, say) is waited for and counted.
    helper = f"import time\ntime.sleep(0.2)\n{spin}"
    done, lingering = bench.timed_command(
        [
            sys.executable,
            "-c",
            f"import subprocess, sys\nsubprocess.Popen([sys.executable, '-c', {helper!r}])",
        ]
    )
    assert done.returncode == 0
    assert lingering.work >= 0.35
    assert cgroups() == before, "each command's cgroup is removed after it (others, a benchmark's, stay)"


def test_without_a_cgroup_the_work_is_the_machines(tmp_path: Path):
    assert bench.new_cgroup([(tmp_path / "no-such-hierarchy", "cpuacct.usage")]) is None


def test_cgroup_v2_cpu_time_is_read_from_cpu_stat(tmp_path: Path):
    (tmp_path / "cpu.stat").write_text("usage_usec 1500000\nuser_usec 1000000\nsystem_usec 500000\n")
    assert bench.cgroup_cpu(tmp_path) == 1.5
    (tmp_path / "cpuacct.usage").write_text("2500000000\n")  # cgroup v1's, in nanoseconds
    assert bench.cgroup_cpu(tmp_path) == 2.5


def test_a_cgroup_counting_nothing_gives_the_machines_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A folder that looks like a cgroup but is not one (the shell's move into it does nothing)."""
    (tmp_path / "cpuacct.usage").write_text("0\n")
    monkeypatch.setattr(bench, "new_cgroup", lambda: tmp_path)
    monkeypatch.setattr(bench, "CGROUP_EXIT_WAIT", 0.1)  # the pid the shell wrote stays in the file
    done, measured = bench.timed_command([sys.executable, "-c", "pass"])
    assert done.returncode == 0
    assert not measured.own
    assert measured.work is not None
    assert measured.work > 0
