"""``kyodo-desk bench --size small``: every case group of issue 12 runs and the JSON keeps the figures
(no assertion on any time: the machine running the tests is not the machine being measured)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

GROUPS = {"build", "start-up", "search box", "search query", "lists", "scan", "documents", "reports"}


def test_bench_small_writes_every_case_with_figures_and_verdicts(tmp_path):
    out = tmp_path / "bench.json"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "kyodo_desk",
            "--home",
            str(tmp_path / "home"),
            "--lang",
            "ja",
            "bench",
            "--size",
            "small",
            "--repeat",
            "1",
            "--out",
            str(out),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    data = json.loads(out.read_text(encoding="utf-8"))
    assert {"machine", "size", "database", "repeat", "cases", "pass"} <= data.keys()
    assert data["size"] == "small" and data["repeat"] == 1 and data["database"]["build_s"] > 0
    assert {c["group"] for c in data["cases"]} == GROUPS
    for case in data["cases"]:
        assert case["runs"] >= 1 and case["median_ms"] >= 0 and case["p95_ms"] >= case["median_ms"] - 1e-6
        assert isinstance(case["pass"], bool)
        for target in case["targets"]:
            assert {"metric", "limit", "label", "value", "pass"} <= target.keys()
        if case["baseline"]:
            assert case["baseline_median_ms"] > 0 and case["ratio"] > 0
    names = " ".join(c["name"] for c in data["cases"])
    assert "1文字" in names and "6文字" in names and "コード" in names and "電話番号" in names
    assert "QR labels" in names and "booklet" in names and "statistics PDF" in names
    assert any(c["stall_ms"] is not None for c in data["cases"] if c["group"] == "lists")
    # the table printed for the README has one row per case and a verdict on each
    table = [line for line in done.stdout.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert len(table) == len(data["cases"])
    assert all(line.rstrip().endswith(("PASS |", "FAIL |", "– |")) for line in table)
