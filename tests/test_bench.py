"""The benchmark's CPU-work reading, which turns a measured time into the least time the work allows."""

from __future__ import annotations

import sys
import time

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
    assert f"CPU work   44.0 CPU-s (range 40.0-48.0): at least {44 / cpus:.1f} s on {cpus} CPU(s)" in second
