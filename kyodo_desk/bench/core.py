"""Timing, targets and the printed table shared by every case group."""

from __future__ import annotations

import gc
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field


def peak_rss_mib() -> float | None:
    """Peak resident memory of this process so far (MiB), or None where it cannot be read."""
    try:
        import resource
    except ImportError:  # Windows
        try:
            import psutil  # type: ignore[import-untyped]

            return psutil.Process().memory_info().peak_wset / 2**20
        except Exception:  # noqa: BLE001
            return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


@dataclass(frozen=True)
class Target:
    """One line of the issue's targets: *metric* (median_ms, p95_ms, ratio, stall_ms, rss_mib) ≤ *limit*."""

    metric: str
    limit: float

    def label(self) -> str:
        unit = {
            "median_ms": "ms median",
            "p95_ms": "ms p95",
            "ratio": "× baseline",
            "stall_ms": "ms stall",
            "rss_mib": "MiB peak",
            "seconds": "s",
        }[self.metric]
        return f"≤{self.limit:g}{unit}" if self.metric != "ratio" else f"≤{self.limit:g}{unit}"


@dataclass
class CaseResult:
    group: str
    name: str
    samples_ms: list[float]
    baseline_ms: list[float] = field(default_factory=list)
    baseline: str = ""
    stall_ms: float | None = None
    peak_rss_mib: float | None = None
    note: str = ""
    targets: list[Target] = field(default_factory=list)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95_ms(self) -> float:
        return p95(self.samples_ms)

    @property
    def baseline_median_ms(self) -> float | None:
        return statistics.median(self.baseline_ms) if self.baseline_ms else None

    @property
    def ratio(self) -> float | None:
        """Ratio of medians, case over baseline (both from the same interleaved run)."""
        base = self.baseline_median_ms
        return self.median_ms / base if base else None

    def metric(self, name: str) -> float | None:
        return {
            "median_ms": self.median_ms,
            "p95_ms": self.p95_ms,
            "ratio": self.ratio,
            "stall_ms": self.stall_ms,
            "rss_mib": self.peak_rss_mib,
            "seconds": self.median_ms / 1000,
        }[name]

    def verdicts(self) -> list[tuple[Target, bool | None]]:
        out = []
        for t in self.targets:
            value = self.metric(t.metric)
            out.append((t, None if value is None else value <= t.limit))
        return out

    @property
    def passed(self) -> bool:
        return all(ok is not False for _t, ok in self.verdicts())

    def to_json(self) -> dict:
        return {
            "group": self.group,
            "name": self.name,
            "runs": len(self.samples_ms),
            "median_ms": round(self.median_ms, 2),
            "p95_ms": round(self.p95_ms, 2),
            "samples_ms": [round(s, 2) for s in self.samples_ms],
            "baseline": self.baseline or None,
            "baseline_median_ms": None if self.baseline_median_ms is None else round(self.baseline_median_ms, 2),
            "baseline_samples_ms": [round(s, 2) for s in self.baseline_ms],
            "ratio": None if self.ratio is None else round(self.ratio, 3),
            "stall_ms": None if self.stall_ms is None else round(self.stall_ms, 1),
            "peak_rss_mib": None if self.peak_rss_mib is None else round(self.peak_rss_mib, 1),
            "targets": [
                {**asdict(t), "label": t.label(), "value": self.metric(t.metric), "pass": ok}
                for t, ok in self.verdicts()
            ],
            "pass": self.passed,
            "note": self.note,
        }


def interleaved(
    fn: Callable[[], object], repeat: int, baseline: Callable[[], object] | None = None, *, warm: bool = True
) -> tuple[list[float], list[float]]:
    """Run *baseline* and *fn* alternately *repeat* times (after one warm-up each); milliseconds."""
    if warm:
        if baseline is not None:
            baseline()
        fn()
    samples: list[float] = []
    base: list[float] = []
    for i in range(repeat):
        pair = [("case", fn)] + ([("base", baseline)] if baseline is not None else [])
        if i % 2:
            pair.reverse()  # neither always runs first
        for kind, f in pair:
            gc.collect()
            start = time.perf_counter()
            f()
            elapsed = (time.perf_counter() - start) * 1000
            (samples if kind == "case" else base).append(elapsed)
    return samples, base


def machine() -> dict:
    info: dict[str, object] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
    }
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    info["processor"] = line.split(":", 1)[1].strip()
                    break
        info["load_average"] = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        pass
    return info


def _fmt(v: float | None, digits: int = 1) -> str:
    return "–" if v is None else f"{v:.{digits}f}"


def table(results: list[CaseResult]) -> str:
    """A Markdown table, ready to paste into the README's Performance section."""
    lines = [
        "| group | case | median ms | p95 ms | baseline ms | ratio | stall ms | peak RSS MiB | target | result |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in results:
        targets = ", ".join(t.label() for t in r.targets) or "–"
        verdicts = [ok for _t, ok in r.verdicts()]
        result = "–" if not verdicts else ("PASS" if r.passed else "FAIL")
        if verdicts and all(ok is None for ok in verdicts):
            result = "–"
        lines.append(
            f"| {r.group} | {r.name} | {_fmt(r.median_ms)} | {_fmt(r.p95_ms)} | {_fmt(r.baseline_median_ms)} "
            f"| {_fmt(r.ratio, 2)} | {_fmt(r.stall_ms, 0)} | {_fmt(r.peak_rss_mib, 0)} | {targets} | {result} |"
        )
    return "\n".join(lines)
