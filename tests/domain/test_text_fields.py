"""Text limits and allowed characters, derived from the models: every text column of every table is
checked before it is stored, with its field named in Japanese; SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import String, select

from kyodo_desk.db import input_rules
from kyodo_desk.db.models import Base, Organization, SearchDocument
from kyodo_desk.domain import text_fields
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.services.inventory import Accessory, DeviceInput
from kyodo_desk.services.loans import CheckoutRequest
from kyodo_desk.services.organizations import OrganizationInput


def _text_columns():
    for mapper in Base.registry.mappers:
        table = mapper.local_table.name
        for attr in mapper.column_attrs:
            column = attr.columns[0]
            if isinstance(column.type, String):
                yield mapper.class_, table, attr.key, column


def test_every_text_column_of_every_model_has_a_name_for_its_messages():
    missing = [
        f"{table}.{column.name}"
        for _cls, table, _key, column in _text_columns()
        if table not in text_fields.SHORTENED_TABLES and not text_fields.has_label(table, column.name)
    ]
    assert missing == [], "name these fields in domain/text_fields.py (LABELS, TABLE_LABELS or CODE_COLUMNS)"


@pytest.mark.parametrize(
    "cls,table,key,column",
    [
        pytest.param(*c, id=f"{c[1]}.{c[3].name}")
        for c in _text_columns()
        if c[3].type.length and c[1] not in text_fields.SHORTENED_TABLES
    ],
)
def test_each_limited_column_refuses_one_character_too_many_and_names_the_field(cls, table, key, column):
    limit = column.type.length
    obj = cls()
    setattr(obj, key, "あ" * limit)
    assert key not in input_rules.problems(obj)
    setattr(obj, key, "あ" * (limit + 1))
    message = input_rules.problems(obj)[key]
    assert f"{limit}文字以内" in message and f"いま{limit + 1}文字" in message
    assert f"「{text_fields.label(table, column.name)}」" in message


@pytest.mark.parametrize("bad", ["\x00", "\x07", "\x1b[31m", "\ud800", "\x7f"])
def test_nul_and_invisible_control_characters_are_refused_by_name(bad):
    obj = Organization(name=f"広坂{bad}町会", notes="line 1\nline 2\tend")
    problems = input_rules.problems(obj)
    assert set(problems) == {"name"} and "「団体名」に使えない文字" in problems["name"]


def test_copies_in_the_search_index_are_shortened_not_refused():
    doc = SearchDocument(kind="organization", ref_id=1, title="あ" * 400 + "\x00", subtitle="", text="x")
    assert input_rules.problems(doc) == {}
    assert len(doc.title) == 300 and doc.title.endswith("…") and "\x00" not in doc.title


# ---- through the services, on the test database (SQLite, or PostgreSQL when configured) --------------


@pytest.fixture
def device_and_org(services, admin):
    model = services.inventory.save_model(admin, "tablet", "Apple", "iPad", [Accessory("ケース")])
    device = services.inventory.create(admin, DeviceInput(model_id=model.id, serial="SN1", storage_place="倉庫A"))
    org = services.organizations.create(admin, OrganizationInput(kind="neighborhood", name="広坂町会"))
    return device, org, model


def _checkout(services, admin, device, org, **changes):
    fields = dict(
        organization_id=org.id,
        responsible_name="山田 太郎",
        contact_phone="090-1234-5678",
        device_ids=(device.id,),
        due_on=services.calendar.calendar().next_open_day(dt.date.today() + dt.timedelta(days=7)),
        purpose="オンライン総会",
        accessories={device.id: ("ケース",)},
    )
    fields.update(changes)
    return services.loans.checkout(admin, CheckoutRequest(**fields))


@pytest.mark.parametrize(
    "changes,field,words",
    [
        ({"purpose": "総会" * 151}, "purpose", "「利用目的」は300文字以内"),
        ({"responsible_name": "山" * 101}, "responsible_name", "「責任者」は100文字以内"),
        ({"purpose": "総会\x00"}, "purpose", "「利用目的」に使えない文字"),
    ],
)
def test_a_loan_with_an_over_long_or_nul_field_is_refused_alike_on_both_databases(
    services, admin, device_and_org, changes, field, words
):
    device, org, _model = device_and_org
    with pytest.raises(ValidationError) as refused:
        _checkout(services, admin, device, org, **changes)
    assert words in refused.value.errors[field]
    assert services.loans.history(admin, device_id=device.id) == []  # nothing stored
    assert _checkout(services, admin, device, org).purpose == "オンライン総会"  # and the desk goes on


def test_device_serial_and_staff_name_limits_hold_on_both_databases(services, admin, device_and_org):
    from kyodo_desk.db.lending_models import Device

    _device, _org, model = device_and_org
    with pytest.raises(ValidationError) as refused:
        services.inventory.create(admin, DeviceInput(model_id=model.id, serial="S" * 101))
    assert "「シリアル番号」は100文字以内" in refused.value.errors["serial"]
    with pytest.raises(ValidationError) as refused:
        services.staff.create(admin, "long", "名" * 101, "staff", "メイ")
    assert "100文字以内" in str(refused.value)
    with services.db.read() as s:
        assert s.scalars(select(Device.serial)).all() == ["SN1"]
