"""``kyodo-desk bench desks --desks 4 --seconds 60 --database postgresql+psycopg://…`` (issue 16).

N desk processes work a busy day's mix on one database for a bounded time, through the same
services the desk uses: consultation intake, a device checkout and its return by scanned code, a
dispatch booking (application, then an advisor on its visit) and a grouped search.  Each desk
records every action's latency and error; afterwards the database is counted against what the
desks were told was saved (acknowledged), so nothing lost is checked, not assumed.

The run is made twice, with 1 desk and with N, and the table gives p50/p95 per action and the
ratio of the N-desk p95 to the 1-desk p95.  Each desk works on its own borrower, devices and
applications (as real desks do), so refusals by the rules (a device already out) are not errors.

``pause`` is a desk's pace: seconds between two rounds of the mix.  0 works flat out (each desk
process takes a whole CPU core, so on a machine with fewer cores than desks + server the ratio
measures the CPU queue, not the database); a few seconds is still far busier than a real counter,
where one intake takes minutes of typing.
"""

# ruff: noqa: B023  (each closure in the desk loop is called at once, in the same iteration)
from __future__ import annotations

import datetime as dt
import multiprocessing
import statistics
import time
import traceback
import uuid
from dataclasses import dataclass, field

from kyodo_desk.bench.core import p95

ACTIONS = ("intake", "checkout", "return", "booking", "search")
DEVICES_PER_DESK = 6
SEARCH_WORDS = ("町会", "NPO", "相談", "会計", "パソコン", "負荷試験")


@dataclass
class DeskReport:
    desk: int
    samples_ms: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    acknowledged: dict[str, int] = field(default_factory=dict)
    cpu_ms: dict[str, float] = field(default_factory=dict)  # this desk process's own CPU time per action


@dataclass
class RunResult:
    desks: int
    seconds: float
    samples_ms: dict[str, list[float]]
    errors: list[str]
    acknowledged: dict[str, int]
    stored: dict[str, int]
    cpu_ms: dict[str, float] = field(default_factory=dict)  # summed over desks

    def cpu_per_action(self, action: str) -> float:
        n = len(self.samples_ms[action])
        return self.cpu_ms.get(action, 0.0) / n if n else 0.0

    @property
    def lost(self) -> dict[str, int]:
        return {k: self.acknowledged.get(k, 0) - self.stored.get(k, 0) for k in self.acknowledged}


def _prepare(url: str, desks: int, tag: str) -> list[dict]:
    """Per desk: its borrower, devices (one model with one accessory), an advisor.  Returns ids."""
    from kyodo_desk.db.engine import Database
    from kyodo_desk.services.advisors import AdvisorInput
    from kyodo_desk.services.base import batch_actor
    from kyodo_desk.services.container import Services
    from kyodo_desk.services.inventory import Accessory, DeviceInput
    from kyodo_desk.services.organizations import OrganizationInput

    db = Database.from_url(url)
    sv = Services(db)
    actor = batch_actor("bench desks")
    model = sv.inventory.save_model(actor, "tablet", "負荷試験", f"T-{tag}", [Accessory("ACアダプタ")])
    cat = sv.consultation_categories.for_year(_fiscal_year())[0].id
    out = []
    for i in range(desks):
        org = sv.organizations.create(actor, OrganizationInput(kind="npo", name=f"負荷試験{tag}窓口{i + 1}の会"))
        devices = [
            sv.inventory.create(actor, DeviceInput(model_id=model.id, serial=f"B{tag}-{i}-{n}"))
            for n in range(DEVICES_PER_DESK)
        ]
        advisor = sv.advisors.save(actor, AdvisorInput(name=f"負荷試験{tag}講師{i + 1}", fields=("ict",)))
        out.append(
            {"org": org.id, "devices": [(d.id, d.asset_tag) for d in devices], "advisor": advisor.id, "category": cat}
        )
    db.dispose()
    return out


def _fiscal_year() -> int:
    from kyodo_desk.domain.fiscal import fiscal_year_of

    return fiscal_year_of(dt.date.today())


def _desk(url: str, index: int, tag: str, config: dict, seconds: float, out, pause: float = 0.0) -> None:
    """One desk process: the mix in a loop until *seconds* have passed."""
    from kyodo_desk.i18n import setup_i18n

    setup_i18n("ja")
    report = DeskReport(index, {a: [] for a in ACTIONS}, [], dict.fromkeys(ACTIONS, 0), dict.fromkeys(ACTIONS, 0.0))
    try:
        _work(url, index, tag, config, seconds, report, pause)
    except Exception:  # noqa: BLE001 - the whole desk failed: reported, not hidden
        report.errors.append("desk: " + traceback.format_exc(limit=3).splitlines()[-1])
    out.put(report)


def _work(url: str, index: int, tag: str, config: dict, seconds: float, report: DeskReport, pause: float = 0.0) -> None:
    from kyodo_desk.db.engine import Database
    from kyodo_desk.services import audit_writer
    from kyodo_desk.services.base import batch_actor
    from kyodo_desk.services.consultations import ConsultationInput
    from kyodo_desk.services.container import Services
    from kyodo_desk.services.dispatch_records import ApplicationInput
    from kyodo_desk.services.loans import CheckoutRequest, ReturnRequest

    db = Database.from_url(url)
    sv = Services(db)
    actor = batch_actor(f"bench desk {index + 1}")
    calendar = sv.calendar.calendar()
    due = calendar.next_open_day(dt.date.today() + dt.timedelta(days=7))
    devices = list(config["devices"])
    n = 0
    deadline = time.perf_counter() + seconds

    def timed(action: str, fn) -> object:
        started, cpu = time.perf_counter(), time.process_time()
        try:
            result = fn()
        except Exception as exc:  # noqa: BLE001 - every error counts
            report.errors.append(f"{action}: {type(exc).__name__}: {str(exc)[:120]}")
            return None
        report.samples_ms[action].append((time.perf_counter() - started) * 1000)
        report.cpu_ms[action] += (time.process_time() - cpu) * 1000
        report.acknowledged[action] += 1
        return result

    while time.perf_counter() < deadline:
        n += 1
        timed(
            "intake",
            lambda: sv.consultations.create(
                actor,
                ConsultationInput(
                    received_at=dt.datetime.now().replace(microsecond=0),
                    organization_id=config["org"],
                    category_ids=(config["category"],),
                    summary=f"負荷試験{tag} 窓口{index + 1} 会計の相談 {n}",
                ),
                request_key=str(uuid.uuid4()),
            ),
        )
        device_id, code = devices[n % len(devices)]

        def checkout() -> object:
            scan = sv.loans.scan(actor, code, config["org"], due)
            assert scan.ok, scan.message
            return sv.loans.checkout(
                actor,
                CheckoutRequest(
                    config["org"],
                    "負荷試験 担当",
                    "076-220-2026",
                    (device_id,),
                    due,
                    accessories={device_id: ("ACアダプタ",)},
                ),
                request_key=str(uuid.uuid4()),
            )

        if timed("checkout", checkout) is not None:
            timed(
                "return",
                lambda: (
                    sv.loans.open_loan_for_device(actor, code),
                    sv.loans.return_device(actor, ReturnRequest(device_id, {"ACアダプタ": "returned"}, wiped=True)),
                ),
            )

        def booking() -> object:
            day = calendar.next_open_day(dt.date.today() + dt.timedelta(days=30 + n % 300))
            start = dt.datetime.combine(day, dt.time(9 + (n % 8)))
            app = sv.dispatch.create(
                actor,
                ApplicationInput(
                    organization_id=config["org"], topic=f"負荷試験{tag} {n}", preferred=((start, start + dt.timedelta(hours=1)),),
                    venue="センター", expected_participants=10, sessions=1,
                ),
                request_key=str(uuid.uuid4()),
            )  # fmt: skip
            return sv.dispatch.book(
                actor,
                app.sessions[0].id,
                config["advisor"],
                start,
                start + dt.timedelta(hours=1),
                override_reason="負荷試験",
            )

        timed("booking", booking)
        timed("search", lambda: sv.search.search_grouped(actor, SEARCH_WORDS[n % len(SEARCH_WORDS)]))
        if pause > 0:
            time.sleep(max(0.0, min(pause, deadline - time.perf_counter())))
    audit_writer.flush(db, timeout=120)
    db.dispose()


def _stored(url: str, tag: str, configs: list[dict]) -> dict[str, int]:
    """What the database holds of this run, counted per action."""
    from sqlalchemy import func, select

    from kyodo_desk.db.consultation_models import Consultation
    from kyodo_desk.db.dispatch_models import DispatchSession
    from kyodo_desk.db.engine import Database
    from kyodo_desk.db.lending_models import Loan, LoanItem

    db = Database.from_url(url)
    orgs = [c["org"] for c in configs]
    advisors = [c["advisor"] for c in configs]
    with db.read() as s:
        intake = s.scalar(
            select(func.count()).select_from(Consultation).where(Consultation.summary.like(f"負荷試験{tag} %"))
        )
        loans = s.scalar(select(func.count()).select_from(Loan).where(Loan.organization_id.in_(orgs)))
        back = s.scalar(
            select(func.count()).select_from(LoanItem).join(Loan, Loan.id == LoanItem.loan_id)
            .where(Loan.organization_id.in_(orgs), LoanItem.returned_at.is_not(None))
        )  # fmt: skip
        booked = s.scalar(
            select(func.count()).select_from(DispatchSession).where(DispatchSession.advisor_id.in_(advisors))
        )
    db.dispose()
    return {"intake": intake or 0, "checkout": loans or 0, "return": back or 0, "booking": booked or 0}


def run_desks(url: str, desks: int, seconds: float, pause: float = 0.0) -> RunResult:
    """Seed, run *desks* processes for *seconds*, count what was stored."""
    tag = uuid.uuid4().hex[:6]
    configs = _prepare(url, desks, tag)
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_desk, args=(url, i, tag, configs[i], seconds, queue, pause)) for i in range(desks)]
    for p in procs:
        p.start()
    reports: list[DeskReport] = [queue.get(timeout=seconds + 600) for _ in procs]
    for p in procs:
        p.join(60)
    samples: dict[str, list[float]] = {a: [] for a in ACTIONS}
    cpu: dict[str, float] = dict.fromkeys(ACTIONS, 0.0)
    acked: dict[str, int] = {a: 0 for a in ACTIONS if a != "search"}
    errors: list[str] = []
    for r in reports:
        errors.extend(f"desk {r.desk + 1}: {e}" for e in r.errors)
        for a in ACTIONS:
            samples[a].extend(r.samples_ms[a])
            cpu[a] += r.cpu_ms.get(a, 0.0)
            if a in acked:
                acked[a] += r.acknowledged[a]
    return RunResult(desks, seconds, samples, errors, acked, _stored(url, tag, configs), cpu)


def table(single: RunResult, many: RunResult) -> str:
    """Markdown: per action n, p50, p95 for 1 desk and N desks, and the p95 ratio."""
    lines = [
        f"| action | 1 desk n | p50 ms | p95 ms | desk CPU ms | {many.desks} desks n | p50 ms | p95 ms | desk CPU ms "
        "| p95 ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for a in ACTIONS:
        one, lots = single.samples_ms[a], many.samples_ms[a]
        if not one or not lots:
            lines.append(f"| {a} | {len(one)} | | | | {len(lots)} | | | | |")
            continue
        ratio = p95(lots) / p95(one) if p95(one) else float("nan")
        lines.append(
            f"| {a} | {len(one)} | {statistics.median(one):.0f} | {p95(one):.0f} | {single.cpu_per_action(a):.0f} | "
            f"{len(lots)} | {statistics.median(lots):.0f} | {p95(lots):.0f} | {many.cpu_per_action(a):.0f} | {ratio:.2f} |"
        )
    for r in (single, many):
        lines.append("")
        lines.append(
            f"{r.desks} desk(s) × {r.seconds:g} s: errors {len(r.errors)}; acknowledged {r.acknowledged}; "
            f"stored {r.stored}; lost {r.lost}"
        )
    return "\n".join(lines)
