"""The 個人情報ファイル簿 is generated from domain/personal_data.py, and that declaration covers
every column that can hold a name, a way to reach someone or free text about them."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader
from sqlalchemy import String, Text

from kyodo_desk.db.models import Base
from kyodo_desk.documents.base import CenterInfo
from kyodo_desk.documents.forms import personal_file_register
from kyodo_desk.domain.enums import StaffRole
from kyodo_desk.domain.personal_data import CONSULTATIONS, PERSONAL_FILES, STAFF, declared_locations
from kyodo_desk.services.base import SYSTEM
from kyodo_desk.services.printing import PERSONAL_FILE_REGISTER, PrintingService

PERSONAL_LOOKING = re.compile(
    r"name|kana|phone|email|address|postal|contact|responsible|representative|notes?$|summary|details|answer|reason|detail"
)
NOT_PERSONAL = {
    "consultation_category.name": "a category's name",
    "device_model.model_name": "a make and model",
    "label_template.name": "a label sheet's name",
    "organization.name": "the organization's name (the organization itself is not a person)",
    "organization.name_kana": "the organization's name in kana",
    "closed_day.reason": "why the center is closed (祝日, 点検)",
    "device.notes": "notes about a device",
    "device_state_change.reason": "why a device changed state (修理)",
    "loan_item.note": "the state of a returned device",
    "dispatch_application.quota_override_reason": "why a quota was exceeded, about the application",
    "dispatch_session.override_reason": "why a scheduling rule was overridden",
    "dispatch_session.report_summary": "what the workshop covered",
    "dispatch_status_change.note": "why an application changed status",
    "plan_period.name": "the name of a city plan",
    "plan_period.notes": "notes about a city plan",
    "plan_item.name": "a target of the plan (登録団体数)",
    "plan_item.note": "how a target is counted",
    "plan_value.note": "where a yearly figure comes from",
    "plan_survey.name": "the name of a survey (市民意識調査)",
    "project_programme.name": "a subsidy programme's name",
    "project_division.name": "a programme's division (スタート部門)",
    "project.name": "a partnership project's name",
    "project.summary": "what a partnership project does (published in the annual report)",
    "stocktake.note": "a note about a stock-take (棚の場所、途中で中断した理由)",
}


def test_every_column_that_can_hold_personal_data_is_declared():
    undeclared = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            location = f"{table.name}.{column.name}"
            if isinstance(column.type, (String, Text)) and PERSONAL_LOOKING.search(column.name):
                if location not in declared_locations() and location not in NOT_PERSONAL:
                    undeclared.append(location)
    assert undeclared == [], "declare these in domain/personal_data.py or say why they are not personal"
    columns = {f"{t.name}.{c.name}" for t in Base.metadata.sorted_tables for c in t.columns}
    assert declared_locations() <= columns  # nothing declared that does not exist


def test_the_register_is_printable_and_says_what_the_declaration_says(services, admin):
    printing = PrintingService(services.db, services.settings)
    assert PERSONAL_FILE_REGISTER in [d.key for d in printing.documents()]
    built = printing.build(admin, PERSONAL_FILE_REGISTER)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(built.data)).pages).replace("\n", "")
    for file in PERSONAL_FILES:
        assert file.name in text
        for field in file.fields:
            assert field.location in text
    assert "受付から5年" in text  # the center's retention setting
    # who may see it comes from the role table, not from prose
    assert CONSULTATIONS.roles() == (StaffRole.STAFF, StaffRole.ADMIN)
    assert STAFF.roles() == (StaffRole.ADMIN,)


def test_the_register_follows_the_retention_setting(services):
    data = personal_file_register.build(CenterInfo("センター", retention_years=7))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).replace("\n", "")
    assert "受付から7年" in text and SYSTEM.role is StaffRole.ADMIN
