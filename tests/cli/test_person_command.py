"""`kyodo-desk person find|export|erase`: the administrator's APPI requests from the command line."""

from __future__ import annotations

import csv
import datetime as dt
import io

from sqlalchemy import select

from kyodo_desk.cli import main
from kyodo_desk.db.models import AuditLog
from kyodo_desk.services.base import SYSTEM
from kyodo_desk.services.consultations import ConsultationInput
from kyodo_desk.services.organizations import OrganizationInput
from kyodo_desk.services.people import PersonInput


def test_find_export_and_erase_a_person(db_url, services, tmp_path, capsys):
    org = services.organizations.create(SYSTEM, OrganizationInput(name="広坂町会", name_kana="ヒロサカチョウカイ"))
    person = services.people.create(
        SYSTEM, PersonInput(name="石川 次郎", phone="090-5555-6666", organization_id=org.id)
    )
    cat = services.consultation_categories.for_year(2025)[0].id
    services.consultations.create(
        SYSTEM,
        ConsultationInput(
            received_at=dt.datetime(2025, 6, 2, 10), category_ids=(cat,), summary="会計の相談 石川", person_id=person.id
        ),
    )
    assert main(["--database", db_url, "person", "find", "石川"]) == 0
    assert f"{person.id}\t石川 次郎\t広坂町会" in capsys.readouterr().out

    assert main(["--database", db_url, "person", "export", str(person.id), "--out", str(tmp_path / "out")]) == 0
    (pdf,) = (tmp_path / "out").glob("*.pdf")
    (csv_file,) = (tmp_path / "out").glob("*.csv")
    assert pdf.read_bytes().startswith(b"%PDF")
    rows = list(csv.reader(io.StringIO(csv_file.read_text(encoding="utf-8-sig"))))
    assert ["consultation.summary", "会計の相談 石川"] in [r[3:] for r in rows]

    assert main(["--database", db_url, "person", "erase", str(person.id), "--reason", "erase", "--yes"]) == 0
    assert "相談 1件" in capsys.readouterr().out
    assert services.people.find(SYSTEM, "石川") == []
    assert main(["--database", db_url, "person", "export", str(person.id), "--out", str(tmp_path / "x")]) == 1
    with services.db.read() as s:
        rows = s.scalars(select(AuditLog).where(AuditLog.entity == "person", AuditLog.entity_id == person.id)).all()
    assert {r.action for r in rows} >= {"create", "export", "delete"}
    assert not any("石川" in r.detail for r in rows)


def test_erase_asks_and_a_subject_is_required(db_url, services, monkeypatch, capsys):
    org = services.organizations.create(
        SYSTEM, OrganizationInput(name="町会", name_kana="チョウカイ", phone="076-111-2222")
    )
    monkeypatch.setattr("builtins.input", lambda _prompt: "no")
    assert main(["--database", db_url, "person", "erase", "--organization", str(org.id), "--reason", "stop_use"]) == 1
    assert services.organizations.get(SYSTEM, org.id).phone == "076-111-2222"
    monkeypatch.setattr("builtins.input", lambda _prompt: "yes")
    assert main(["--database", db_url, "person", "erase", "--organization", str(org.id), "--reason", "stop_use"]) == 0
    assert services.organizations.get(SYSTEM, org.id).phone == ""
    assert main(["--database", db_url, "person", "erase", "--reason", "erase", "--yes"]) == 2


def test_register_is_written_as_pdf(db_url, tmp_path, capsys):
    out = tmp_path / "register.pdf"
    assert main(["--database", db_url, "person", "register", "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF") and "個人情報ファイル簿" in capsys.readouterr().out
