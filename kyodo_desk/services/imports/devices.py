"""Devices from a spreadsheet: a row with a known 管理番号 updates that device, any other row is a
new device (numbered on write when the cell is empty).  Makers, models, serials and tags are
NFKC-folded (ｱｯﾌﾟﾙ → アップル, DMPX１２３４５ → DMPX12345).  A new model gets the row's accessories
as its checklist; a row for an existing model with another checklist keeps the model's and says so.
States: a new device takes the file's state (貸出中 becomes 点検待ち: the desk has no such loan); an
existing device keeps the state the desk knows, with a note when the file says otherwise.
An empty cell never erases what is stored."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from kyodo_desk.db.lending_models import Device, DeviceModel, DeviceStateChange
from kyodo_desk.db.models import SearchDocument, now
from kyodo_desk.db.search import with_phone_digits
from kyodo_desk.domain.enums import AuditAction
from kyodo_desk.domain.lending import DeviceKind, DeviceState
from kyodo_desk.domain.text import fold
from kyodo_desk.i18n import _
from kyodo_desk.services.base import Actor, audit
from kyodo_desk.services.imports.fields import SPECS
from kyodo_desk.services.imports.plan import (
    ERROR,
    NEW,
    SAME,
    UPDATE,
    Mapping,
    Planned,
    Progress,
    RowValues,
    ValueMap,
    field_problems,
    nfkc,
    tick,
)
from kyodo_desk.services.imports.reading import Table
from kyodo_desk.services.inventory import Accessory, index_device, next_asset_tag, normalize_tag, parse_accessories

SPEC = SPECS["devices"]
_BATCH = 200  # rows inserted with one flush
_COUNT = re.compile(r"^(.*?)\s*(?:[x×*]\s*(\d{1,3})|\(\s*(\d{1,3})\s*\)|(\d{1,3})\s*(?:個|本|台|枚|つ))$", re.I)


def parse_accessory_list(text: str) -> tuple[Accessory, ...]:
    """「充電器、USBケーブル×2・ケース」 → the checklist (a count after ×, x, (n) or n個)."""
    out: list[Accessory] = []
    for part in re.split(r"[、,，・\n\r]+", nfkc(text.replace("\n", "、"))):
        part = part.strip()
        if not part:
            continue
        count = 1
        if m := _COUNT.match(part):
            number = m.group(2) or m.group(3) or m.group(4)
            if m.group(1).strip() and number and int(number) >= 1:
                part, count = m.group(1).strip(), int(number)
        if part:
            out.append(Accessory(part[:100], count))
    return tuple(out)


def accessories_text(items: tuple[Accessory, ...]) -> str:
    return "、".join(a.name if a.count == 1 else f"{a.name}×{a.count}" for a in items)


@dataclass
class DeviceRow:
    tag: str
    kind: str
    maker: str
    model_name: str
    serial: str
    purchase_date: dt.date | None
    storage_place: str
    accessories: tuple[Accessory, ...]
    state: str
    notes: str
    device_id: int | None = None


def plan(session: Session, table: Table, mapping: Mapping, values: ValueMap, progress: Progress) -> list[Planned]:
    existing = {d.asset_tag: (d, m) for d, m in session.execute(select(Device, DeviceModel).join(DeviceModel))}
    models = {(m.maker, m.model_name): m for m in session.scalars(select(DeviceModel))}
    new_models: dict[tuple[str, str], tuple[str, tuple[Accessory, ...], int]] = {}
    seen: dict[str, int] = {}
    out: list[Planned] = []
    total = len(table.rows)
    for i, row in enumerate(table.rows, start=1):
        tick(progress, i, total, _("行を確かめています…"))
        v = RowValues(SPEC, row, mapping, values)
        tag = normalize_tag(v.text("asset_tag")) if v.text("asset_tag") else ""
        kind = v.code("kind", DeviceKind)
        maker, model_name = nfkc(v.text("maker")), nfkc(v.text("model_name"))
        serial, place, notes = nfkc(v.text("serial")), v.text("storage_place"), v.text("notes")
        purchased = v.date("purchase_date")
        accessories = parse_accessory_list(v.text("accessories"))
        state = v.code("state", DeviceState)
        found = existing.get(tag) if tag else None
        if tag and tag in seen:
            v.problems.append(_("管理番号 {tag} は {row} 行目と同じです").format(tag=tag, row=seen[tag]))
        if tag:
            seen.setdefault(tag, row.number)
        if found is None and not model_name:
            v.problems.append(_("型番が空です"))
        current_model = found[1] if found else None
        key = (maker, model_name)
        if current_model is not None and not model_name:
            key = (current_model.maker, current_model.model_name)
        elif current_model is not None and not maker:  # a file without makers keeps the device's maker
            key = (current_model.maker, model_name)
        model = models.get(key)
        if model is None and key not in new_models:
            model_kind = kind or (current_model.kind if current_model is not None else "")
            if kind == "" and not model_kind:
                v.problems.append(_("種別が空です({ok} のどれかを入れてください)").format(ok=_kind_choices()))
            if model_kind:
                model_row = DeviceModel(kind=model_kind, maker=key[0], model_name=key[1], accessories="[]")
                v.problems.extend(field_problems(model_row))
        if model is not None:
            _note_existing_model(v, model, kind, accessories)
        elif key in new_models and new_models[key][1] != accessories and accessories:
            v.notes.append(
                _("付属品は {row} 行目のもの({items})を機種の一覧にします").format(
                    row=new_models[key][2], items=accessories_text(new_models[key][1]) or _("なし")
                )
            )
        device_row = Device(asset_tag=tag, serial=serial, storage_place=place, notes=notes)
        v.problems.extend(field_problems(device_row))
        if found is None:
            if state == DeviceState.ON_LOAN.value:
                v.notes.append(
                    _("貸出中の機器は「点検待ち」で登録します(この窓口の貸出記録がないため。戻ったら点検してください)")
                )
                state = DeviceState.INSPECTION.value
            data = DeviceRow(
                tag, kind or "", maker, model_name, serial, purchased, place, accessories,
                state or DeviceState.AVAILABLE.value, notes,
            )  # fmt: skip
            preview = v.preview(NEW, tag or _("(自動で採番)"), _summary(kind, maker, model_name, serial))
            if preview.action != ERROR and model is None and key not in new_models and kind:
                new_models[key] = (kind, accessories, row.number)
        else:
            device, dmodel = found
            if state and state != device.state:
                v.notes.append(
                    _("状態は変えません(窓口の記録は「{now}」、ファイルは「{file}」)").format(
                        now=DeviceState(device.state).label(), file=DeviceState(state).label()
                    )
                )
            data = DeviceRow(
                tag, dmodel.kind, key[0], key[1], serial or device.serial,
                purchased or device.purchase_date, place or device.storage_place, accessories,
                device.state, notes or device.notes, device.id,
            )  # fmt: skip
            changed = (
                (dmodel.maker, dmodel.model_name) != key
                or data.serial != device.serial
                or data.purchase_date != device.purchase_date
                or data.storage_place != device.storage_place
                or data.notes != device.notes
            )
            preview = v.preview(UPDATE if changed else SAME, tag, _summary(dmodel.kind, key[0], key[1], data.serial))
            if model is None and key not in new_models and preview.action != ERROR:
                new_models[key] = (kind or dmodel.kind, accessories, row.number)
        out.append(Planned(preview, data))
    return out


def _kind_choices() -> str:
    return "・".join(k.label() for k in DeviceKind)


def _summary(kind: str | None, maker: str, model_name: str, serial: str) -> str:
    label = DeviceKind(kind).label() if kind else ""
    text = " ".join(p for p in (label, maker, model_name) if p)
    return f"{text} / {serial}" if serial else text


def _note_existing_model(
    v: RowValues, model: DeviceModel, kind: str | None, accessories: tuple[Accessory, ...]
) -> None:
    label = f"{model.maker} {model.model_name}".strip()
    if kind and kind != model.kind:
        v.notes.append(
            _("機種「{model}」の種別は登録済みの「{kind}」のままです").format(
                model=label, kind=DeviceKind(model.kind).label()
            )
        )
    stored = parse_accessories(model.accessories)
    if accessories and accessories != stored:
        v.notes.append(
            _("機種「{model}」の付属品は登録済みのもの({stored})のままです。ファイルの付属品: {file}").format(
                model=label, stored=accessories_text(stored) or _("なし"), file=accessories_text(accessories)
            )
        )


def write(session: Session, actor: Actor, planned: list[Planned], prefix: str, progress: Progress) -> tuple[int, int]:
    """Write the planned rows in batches (one flush of many inserts, then history and search rows)."""
    models = {(m.maker, m.model_name): m for m in session.scalars(select(DeviceModel))}
    created = updated = 0
    rows = [p for p in planned if p.row.action in (NEW, UPDATE)]
    for start in range(0, len(rows), _BATCH):
        fresh: list[dict] = []
        fresh_models: list[DeviceModel] = []
        for p in rows[start : start + _BATCH]:
            d: DeviceRow = p.data
            model = models.get((d.maker, d.model_name))
            if model is None:
                payload = json.dumps([{"name": a.name, "count": a.count} for a in d.accessories], ensure_ascii=False)
                model = DeviceModel(kind=d.kind, maker=d.maker, model_name=d.model_name, accessories=payload)
                session.add(model)
                session.flush()
                models[(d.maker, d.model_name)] = model
            if p.row.action == NEW:
                fresh.append(
                    {"asset_tag": d.tag or next_asset_tag(session, prefix), "model_id": model.id, "serial": d.serial,
                     "purchase_date": d.purchase_date, "storage_place": d.storage_place, "notes": d.notes,
                     "state": d.state}
                )  # fmt: skip
                fresh_models.append(model)
                created += 1
            else:
                device = session.get_one(Device, d.device_id)
                device.model_id, device.serial, device.purchase_date = model.id, d.serial, d.purchase_date
                device.storage_place, device.notes, device.updated_at = d.storage_place, d.notes, now()
                session.flush()
                index_device(session, device, model)
                updated += 1
        if fresh:  # new devices in bulk: one executemany each for devices, history and search rows
            ids = session.scalars(insert(Device).returning(Device.id, sort_by_parameter_order=True), fresh)
            history, search_rows = [], []
            for device_id, row, model in zip(ids, fresh, fresh_models, strict=True):
                history.append(
                    {"device_id": device_id, "at": now(), "from_state": None, "to_state": row["state"],
                     "staff_id": actor.staff_id, "reason": _("取り込み")}
                )  # fmt: skip
                search_rows.append(_search_row(device_id, row, model))
            session.execute(insert(DeviceStateChange), history)
            session.execute(insert(SearchDocument), search_rows)
        tick(progress, min(start + _BATCH, len(rows)), len(rows), _("取り込んでいます…"))
    audit(session, actor, AuditAction.CREATE, "device", None, f"import created={created} updated={updated}")
    return created, updated


def _search_row(device_id: int, row: dict, model: DeviceModel) -> dict:
    """The search_document row :func:`index_device` would write for a new device."""
    tag = row["asset_tag"]
    title = f"{tag} {DeviceKind(model.kind).label()}"
    subtitle = f"{model.maker} {model.model_name}".strip()
    texts = (title, subtitle, tag, row["serial"], row["storage_place"], model.maker, model.model_name)
    body = with_phone_digits(" ".join(fold(t) for t in texts if t))
    return {"kind": "device", "ref_id": device_id, "title": title, "subtitle": subtitle, "code": tag, "text": body}
