"""All services of one database, built once by the composition root (app.py or cli.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from kyodo_desk.db.engine import Database
from kyodo_desk.services.activity import ActivityService
from kyodo_desk.services.advisors import AdvisorService
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
from kyodo_desk.services.inventory import InventoryService
from kyodo_desk.services.lending_stats import LendingStatsService
from kyodo_desk.services.loans import LoanService
from kyodo_desk.services.organizations import OrganizationService
from kyodo_desk.services.people import PersonService
from kyodo_desk.services.reservations import ReservationService
from kyodo_desk.services.retention import RetentionService
from kyodo_desk.services.search import SearchService
from kyodo_desk.services.settings import SettingsService
from kyodo_desk.services.staff import StaffService


@dataclass
class Services:
    db: Database
    settings: SettingsService = field(init=False)
    calendar: CalendarService = field(init=False)
    staff: StaffService = field(init=False)
    organizations: OrganizationService = field(init=False)
    people: PersonService = field(init=False)
    search: SearchService = field(init=False)
    changes: ChangeService = field(init=False)
    audit: AuditService = field(init=False)
    consultations: ConsultationService = field(init=False)
    consultation_categories: CategoryService = field(init=False)
    consultation_stats: ConsultationStatsService = field(init=False)
    inventory: InventoryService = field(init=False)
    loans: LoanService = field(init=False)
    reservations: ReservationService = field(init=False)
    lending_stats: LendingStatsService = field(init=False)
    advisors: AdvisorService = field(init=False)
    dispatch: DispatchService = field(init=False)
    dispatch_stats: DispatchStatsService = field(init=False)
    privacy: PrivacyRequestService = field(init=False)
    retention: RetentionService = field(init=False)
    activity: ActivityService = field(init=False)  # home page charts, annual report
    desk_today: DeskTodayService = field(init=False)  # 今日の窓口 lists

    def __post_init__(self) -> None:
        self.settings = SettingsService(self.db)
        self.calendar = CalendarService(self.db, self.settings)
        self.staff = StaffService(self.db)
        self.organizations = OrganizationService(self.db)
        self.people = PersonService(self.db)
        self.search = SearchService(self.db)
        self.changes = ChangeService(self.db)
        self.audit = AuditService(self.db)
        self.consultations = ConsultationService(self.db)
        self.consultation_categories = CategoryService(self.db)
        self.consultation_stats = ConsultationStatsService(self.db)
        self.inventory = InventoryService(self.db, self.settings)
        self.loans = LoanService(self.db, self.settings, self.calendar)
        self.reservations = ReservationService(self.db, self.settings)
        self.lending_stats = LendingStatsService(self.db)
        self.advisors = AdvisorService(self.db)
        self.dispatch = DispatchService(self.db, self.settings, self.calendar, self.advisors)
        self.dispatch_stats = DispatchStatsService(self.db, self.settings)
        self.privacy = PrivacyRequestService(self.db)
        self.retention = RetentionService(self.db, self.settings)
        self.activity = ActivityService(self.db)
        self.desk_today = DeskTodayService(self.db)
