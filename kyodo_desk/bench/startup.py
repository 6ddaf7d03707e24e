"""Case group 1: start-up to the main window shown and idle, each run a fresh process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from kyodo_desk.bench.core import CaseResult, Target


def _timed_process(cmd: list[str], env: dict) -> tuple[float, dict]:
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, check=False)
    elapsed = (time.perf_counter() - start) * 1000
    if done.returncode != 0:
        raise RuntimeError(f"{cmd[1:3]} failed:\n{done.stderr[-2000:]}")
    last = [line for line in done.stdout.splitlines() if line.startswith("{")][-1]
    return elapsed, json.loads(last)


def run(home: str, database_url: str, repeat: int) -> CaseResult:
    from kyodo_desk.ui.bench_gui import BASELINE_SCRIPT  # a string and a module run in a child process

    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    app_cmd = [sys.executable, "-m", "kyodo_desk.ui.bench_gui", "startup", "--home", home, "--database", database_url]
    base_cmd = [sys.executable, "-c", BASELINE_SCRIPT]
    _timed_process(app_cmd, env)  # warm the OS file cache for both
    _timed_process(base_cmd, env)
    samples: list[float] = []
    base: list[float] = []
    rss: list[float] = []
    stalls: list[float] = []
    for i in range(repeat):
        order = [(app_cmd, samples), (base_cmd, base)]
        if i % 2:
            order.reverse()
        for cmd, into in order:
            ms, info = _timed_process(cmd, env)
            into.append(ms)
            if cmd is app_cmd:
                rss.append(info.get("peak_rss_mib") or 0.0)
                stalls.append(info.get("stall_ms") or 0.0)
    return CaseResult(
        "start-up",
        "main window shown and idle (fresh process)",
        samples,
        base,
        baseline="bare QMainWindow + import sqlalchemy.orm (fresh process)",
        stall_ms=max(stalls),
        peak_rss_mib=max(rss),
        note="signed in as the first administrator; stall measured after show",
        targets=[Target("median_ms", 800), Target("ratio", 1.5), Target("stall_ms", 100), Target("rss_mib", 250)],
    )
