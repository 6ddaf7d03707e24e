"""Every public service method is either permission-checked or declared as needing none.

How it is checked, and why this way: each public method of every service is *called* with a
signed-in staff member whose role holds no permission at all (the role table is emptied for the
test), with placeholder arguments.  A method that checks must raise PermissionDenied before it
does anything with those arguments; one that returns, or fails in some other way first, is
reported.  Calling is more honest than reading the source for a ``require(`` call: it also sees a
check made by a helper or by another service the method calls (相談カルテ → cases), and it is not
fooled by a ``require`` that sits in a branch the call never takes, or by a check that comes only
after the personal data was already read.  Methods that deliberately check nothing are listed with
their reason in ``services.base.NO_PERMISSION_NEEDED`` (or marked ``@no_permission_needed``).
"""

from __future__ import annotations

import datetime as dt
import inspect
import re

import pytest

from kyodo_desk.domain.enums import StaffRole
from kyodo_desk.domain.permissions import ROLE_PERMISSIONS, Permission, allowed, roles_with
from kyodo_desk.services.base import NO_PERMISSION_NEEDED, PermissionDenied
from kyodo_desk.services.container import SERVICES


def _services_under_test(services, tmp_path):
    from kyodo_desk.services.desk_documents import DeskDocuments
    from kyodo_desk.services.labels import LabelService
    from kyodo_desk.services.printing import PrintingService

    objs = {name: getattr(services, name) for name in SERVICES}  # every service, made on first use
    objs["printing"] = PrintingService(services.db, services.settings, tmp_path / "handbook")
    objs["labels"] = LabelService(services.db, services.settings)
    objs["desk_documents"] = DeskDocuments(services)
    return objs


def _public_methods(obj):
    for name, fn in inspect.getmembers(type(obj), inspect.isfunction):
        if not name.startswith("_"):
            yield name, fn


def _placeholder(param: inspect.Parameter):
    ann = str(param.annotation)
    if "dt.datetime" in ann or "datetime.datetime" in ann:
        return dt.datetime(2025, 4, 1, 10, 0)
    if "dt.date" in ann or "date" in ann:
        return dt.date(2025, 4, 1)
    if ann.startswith("int") or ann.startswith("float"):
        return 1
    if ann.startswith("bool"):
        return False
    if ann.startswith("str"):
        return "x"
    if ann.startswith("list") or ann.startswith("Sequence") or ann.startswith("Iterable") or ann.startswith("tuple"):
        return []
    return None


def _call_with_placeholders(fn, obj, actor):
    args, kwargs = [], {}
    params = list(inspect.signature(fn).parameters.values())[1:]
    for p in params:
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) or p.default is not p.empty:
            continue
        value = actor if p.name == "actor" else _placeholder(p)
        if p.kind == p.KEYWORD_ONLY:
            kwargs[p.name] = value
        else:
            args.append(value)
    return fn(obj, *args, **kwargs)


@pytest.fixture
def powerless(services, staff_actor, monkeypatch):
    """A signed-in staff member whose role, for this test, holds no permission at all."""
    monkeypatch.setitem(ROLE_PERMISSIONS, StaffRole.STAFF, frozenset())
    assert not any(staff_actor.can(p) for p in Permission)
    return staff_actor


def _first_permission_checked(services, tmp_path, powerless) -> dict[str, Permission]:
    checked: dict[str, Permission] = {}
    problems: list[str] = []
    for svc_name, obj in _services_under_test(services, tmp_path).items():
        for name, fn in _public_methods(obj):
            key = fn.__qualname__
            if key in NO_PERMISSION_NEEDED:
                continue
            where = f"services.{svc_name}.{name} ({key})"
            if "actor" not in inspect.signature(fn).parameters:
                problems.append(f"{where}: takes no actor, so it cannot check a permission")
                continue
            try:
                _call_with_placeholders(fn, obj, powerless)
            except PermissionDenied as exc:
                checked[where] = exc.permission
            except Exception as exc:  # noqa: BLE001 - reported below
                problems.append(f"{where}: raised {type(exc).__name__} before any permission check: {exc}")
            else:
                problems.append(f"{where}: ran for a staff member without permissions (no require())")
    assert not problems, "\n".join(
        ["Call require(actor, Permission.X) first, or declare the method in services.base.NO_PERMISSION_NEEDED:"]
        + problems
    )
    return checked


def test_every_public_service_method_checks_a_permission_or_says_why_not(services, tmp_path, powerless):
    checked = _first_permission_checked(services, tmp_path, powerless)
    assert len(checked) > 80  # the walk really reached the services


def test_every_declared_exception_names_a_real_method_and_gives_a_reason(services, tmp_path):
    existing = {
        fn.__qualname__ for obj in _services_under_test(services, tmp_path).values() for _n, fn in _public_methods(obj)
    }
    stale = sorted(set(NO_PERMISSION_NEEDED) - existing)
    assert not stale, f"NO_PERMISSION_NEEDED lists methods that no longer exist: {stale}"
    assert all(len(reason) > 20 for reason in NO_PERMISSION_NEEDED.values())


def test_each_role_is_refused_exactly_what_the_table_withholds(services, tmp_path, staff_actor, ict_actor, monkeypatch):
    """The permission each method checks first, asked of every real role: refused when the role
    table withholds it (the table is the only source of who may do what)."""
    saved = dict(ROLE_PERMISSIONS)
    monkeypatch.setitem(ROLE_PERMISSIONS, StaffRole.STAFF, frozenset())
    checked = _first_permission_checked(services, tmp_path, staff_actor)
    monkeypatch.setitem(ROLE_PERMISSIONS, StaffRole.STAFF, saved[StaffRole.STAFF])
    objs = _services_under_test(services, tmp_path)
    actors = {StaffRole.STAFF: staff_actor, StaffRole.ICT_PROMOTER: ict_actor}
    for where, permission in checked.items():
        svc_name, name = where.split(" ")[0].split(".")[1:3]
        fn = getattr(type(objs[svc_name]), name)
        for role, actor in actors.items():
            if allowed(role, permission):
                continue
            with pytest.raises(PermissionDenied):
                _call_with_placeholders(fn, objs[svc_name], actor)


def test_the_role_table_itself():
    assert ROLE_PERMISSIONS[StaffRole.ADMIN] == frozenset(Permission)
    # ICT推進員: lending only, plus who the borrower is and printing the slip
    assert ROLE_PERMISSIONS[StaffRole.ICT_PROMOTER] == {
        Permission.ORGANIZATION_VIEW,
        Permission.LENDING_OPERATE,
        Permission.PRINT,
    }
    for p in (Permission.AUDIT_VIEW, Permission.STAFF_MANAGE, Permission.SETTINGS_EDIT, Permission.CONSULTATION_DELETE):
        assert roles_with(p) == (StaffRole.ADMIN,)
    assert roles_with(Permission.CONSULTATION_VIEW) == (StaffRole.STAFF, StaffRole.ADMIN)


def test_no_code_outside_the_table_decides_by_role():
    """Rights come from the table: services never look at the acting person's role themselves
    (rules *about* the admin role — the first account, the last administrator — are fine)."""
    from pathlib import Path

    import kyodo_desk.services as pkg

    comparing = re.compile(r"actor\)?\.role\s*(==|!=|\bin\b|\bnot in\b|\bis\b)")
    offenders = [
        f"{path.name}: {m.group(0)}"
        for path in Path(pkg.__file__).parent.glob("*.py")
        for m in comparing.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not offenders
