"""All services of one database, built once by the composition root (app.py or cli.py).

Each service is made the first time it is asked for (``services.loans``), importing its module then:
a desk that only signs in and shows the home page does not pay for importing every service (issue 12,
start-up).  A service's constructor gets the database and the services named after it in
:data:`SERVICES`; one lock makes sure two threads asking at once get the same object.
New services: add a line to :data:`SERVICES` and a type annotation in :class:`Services`."""

from __future__ import annotations

import importlib
import threading
from typing import TYPE_CHECKING, Any

from kyodo_desk.db.engine import Database

if TYPE_CHECKING:  # pragma: no cover - the real imports happen when a service is first used
    from kyodo_desk.services.activity import ActivityService
    from kyodo_desk.services.advisors import AdvisorService
    from kyodo_desk.services.annual_report import AnnualReportService
    from kyodo_desk.services.appi import PrivacyRequestService
    from kyodo_desk.services.audit_log import AuditService
    from kyodo_desk.services.calendar import CalendarService
    from kyodo_desk.services.changes import ChangeService
    from kyodo_desk.services.consultation_categories import CategoryService
    from kyodo_desk.services.consultation_stats import ConsultationStatsService
    from kyodo_desk.services.consultations import ConsultationService
    from kyodo_desk.services.desk_today import DeskTodayService
    from kyodo_desk.services.dispatch import DispatchService
    from kyodo_desk.services.dispatch_stats import DispatchStatsService
    from kyodo_desk.services.imports.service import ImportService
    from kyodo_desk.services.inventory import InventoryService
    from kyodo_desk.services.lending_stats import LendingStatsService
    from kyodo_desk.services.loans import LoanService
    from kyodo_desk.services.organizations import OrganizationService
    from kyodo_desk.services.people import PersonService
    from kyodo_desk.services.plan import PlanService
    from kyodo_desk.services.projects import ProjectService
    from kyodo_desk.services.registration import RegistrationService
    from kyodo_desk.services.reservations import ReservationService
    from kyodo_desk.services.retention import RetentionService
    from kyodo_desk.services.search import SearchService
    from kyodo_desk.services.settings import SettingsService
    from kyodo_desk.services.staff import StaffService
    from kyodo_desk.services.stocktake import StocktakeService

# name → (module under kyodo_desk.services, class, services passed after the database)
SERVICES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "settings": ("settings", "SettingsService", ()),
    "calendar": ("calendar", "CalendarService", ("settings",)),
    "staff": ("staff", "StaffService", ()),
    "organizations": ("organizations", "OrganizationService", ()),
    "people": ("people", "PersonService", ()),
    "search": ("search", "SearchService", ()),
    "changes": ("changes", "ChangeService", ()),
    "audit": ("audit_log", "AuditService", ()),
    "consultations": ("consultations", "ConsultationService", ()),
    "consultation_categories": ("consultation_categories", "CategoryService", ()),
    "consultation_stats": ("consultation_stats", "ConsultationStatsService", ()),
    "inventory": ("inventory", "InventoryService", ("settings",)),
    "loans": ("loans", "LoanService", ("settings", "calendar")),
    "reservations": ("reservations", "ReservationService", ("settings",)),
    "lending_stats": ("lending_stats", "LendingStatsService", ()),
    "stocktake": ("stocktake", "StocktakeService", ("settings",)),  # 棚卸
    "advisors": ("advisors", "AdvisorService", ()),
    "dispatch": ("dispatch", "DispatchService", ("settings", "calendar", "advisors")),
    "dispatch_stats": ("dispatch_stats", "DispatchStatsService", ("settings",)),
    "privacy": ("appi", "PrivacyRequestService", ()),
    "retention": ("retention", "RetentionService", ("settings",)),
    "activity": ("activity", "ActivityService", ()),  # home page charts, annual report
    "desk_today": ("desk_today", "DeskTodayService", ()),  # 今日の窓口 lists
    "registration": ("registration", "RegistrationService", ("settings",)),  # 協働をすすめる市民団体
    "projects": ("projects", "ProjectService", ()),  # パートナーシップ事業
    "plan": ("plan", "PlanService", ("registration", "projects")),  # the plan's targets (KPIs)
    "annual_report": (  # 年次報告 for 市民協働推進課
        "annual_report",
        "AnnualReportService",
        (
            "settings",
            "activity",
            "consultation_stats",
            "lending_stats",
            "dispatch_stats",
            "registration",
            "projects",
            "plan",
        ),
    ),
    "imports": ("imports.service", "ImportService", ("settings",)),  # Excel・CSV imports
}


class Services:
    db: Database
    settings: SettingsService
    calendar: CalendarService
    staff: StaffService
    organizations: OrganizationService
    people: PersonService
    search: SearchService
    changes: ChangeService
    audit: AuditService
    consultations: ConsultationService
    consultation_categories: CategoryService
    consultation_stats: ConsultationStatsService
    inventory: InventoryService
    loans: LoanService
    reservations: ReservationService
    lending_stats: LendingStatsService
    stocktake: StocktakeService
    advisors: AdvisorService
    dispatch: DispatchService
    dispatch_stats: DispatchStatsService
    privacy: PrivacyRequestService
    retention: RetentionService
    activity: ActivityService
    desk_today: DeskTodayService
    imports: ImportService
    annual_report: AnnualReportService
    registration: RegistrationService
    projects: ProjectService
    plan: PlanService

    def __init__(self, db: Database) -> None:
        self.db = db
        self._lock = threading.RLock()

    def __getattr__(self, name: str) -> Any:
        """Called only for a service not made yet: make it (and what it needs), keep it."""
        spec = SERVICES.get(name)
        if spec is None or name.startswith("_"):
            raise AttributeError(name)
        module, cls, needs = spec
        with self._lock:
            made = self.__dict__.get(name)
            if made is None:
                factory = getattr(importlib.import_module(f"kyodo_desk.services.{module}"), cls)
                made = factory(self.db, *(getattr(self, need) for need in needs))
                self.__dict__[name] = made
            return made

    def __repr__(self) -> str:
        return f"Services({self.db!r})"
