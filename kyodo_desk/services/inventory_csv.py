"""Import and export the device inventory as CSV the way Japanese Excel saves it.

Excel saves "CSV" as Shift_JIS (cp932) and "CSV UTF-8" with a BOM; both are read.  Every row is
checked first; if any row is bad the import stops with each bad row's number and reason, and
nothing is written (all-or-nothing in one transaction).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata

from sqlalchemy import select

from kyodo_desk.db.lending_models import Device, DeviceModel, DeviceStateChange
from kyodo_desk.db.models import now
from kyodo_desk.domain.enums import AuditAction
from kyodo_desk.domain.lending import DeviceKind, DeviceState
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.i18n import ERAS, _, all_translations
from kyodo_desk.services.base import Actor, ServiceError, audit, require
from kyodo_desk.services.csv_export import to_csv_bytes
from kyodo_desk.services.inventory import index_device, next_asset_tag, normalize_tag

HEADERS = ["管理番号", "種別", "メーカー", "型番", "シリアル番号", "購入日", "保管場所", "状態", "備考"]


class InventoryImportError(ServiceError):
    def __init__(self, errors: list[tuple[int, str]]):
        self.errors = errors
        lines = [_("{row}行目: {reason}").format(row=r, reason=m) for r, m in errors[:50]]
        more = _("ほか {n} 件").format(n=len(errors) - 50) if len(errors) > 50 else ""
        super().__init__(
            _("取り込みを中止しました(何も登録していません)。\n") + "\n".join(lines) + ("\n" + more if more else "")
        )


def decode_csv(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp932")


def parse_date(text: str) -> dt.date | None:
    """2023/4/1, 2023-04-01, 2023年4月1日, 令和5年4月1日, R5.4.1 → date; '' → None."""
    t = unicodedata.normalize("NFKC", text).strip()
    if not t:
        return None
    m = re.fullmatch(r"(\d{4})[/\-.年](\d{1,2})[/\-.月](\d{1,2})日?", t)
    if m:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    m = re.fullmatch(r"(令和|平成|昭和|R|H|S)(\d{1,2}|元)[年.](\d{1,2})[月.](\d{1,2})日?", t)
    if m:
        era = {"R": "令和", "H": "平成", "S": "昭和"}.get(m[1], m[1])
        start = dict(ERAS)[era]
        year = start.year + (1 if m[2] == "元" else int(m[2])) - 1
        return dt.date(year, int(m[3]), int(m[4]))
    raise ValueError(text)


def _kind(value: str) -> str | None:
    v = unicodedata.normalize("NFKC", value).strip()
    for k in DeviceKind:  # the code or the label in any language (a CSV may come from another desk)
        names = {k.value, *all_translations(k._label_map()[k.value])}
        if v in names or v in {unicodedata.normalize("NFKC", n) for n in names}:
            return k.value
    return None


def _state(value: str) -> str | None:
    v = value.strip()
    if not v:
        return DeviceState.AVAILABLE.value
    for st in DeviceState:
        if v in {st.value, *all_translations(st._label_map()[st.value])}:
            return st.value
    return None


def import_devices(service, actor: Actor, data: bytes, progress=None) -> int:
    """Import devices from CSV bytes; returns the number created.  Raises InventoryImportError."""
    require(actor, Permission.INVENTORY_EDIT)
    rows = list(csv.reader(io.StringIO(decode_csv(data))))
    if not rows:
        raise InventoryImportError([(1, _("ファイルが空です。"))])
    header = [h.strip() for h in rows[0]]
    missing = [h for h in ("種別", "型番") if h not in header]
    if missing:
        raise InventoryImportError(
            [
                (
                    1,
                    _("見出しに「{cols}」がありません。1行目は {all} にしてください。").format(
                        cols="」「".join(missing), all=",".join(HEADERS)
                    ),
                )
            ]
        )
    col = {h: i for i, h in enumerate(header)}
    errors: list[tuple[int, str]] = []
    parsed = []
    seen_tags: set[str] = set()
    with service.db.read() as s:
        existing = set(s.scalars(select(Device.asset_tag)))
    for n, raw in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in raw):
            continue

        def get(name: str, raw: list[str] = raw) -> str:
            return raw[col[name]].strip() if name in col and col[name] < len(raw) else ""

        kind = _kind(get("種別"))
        problems = []
        if kind is None:
            problems.append(
                _("種別「{v}」がわかりません({ok} のどれかにしてください)").format(
                    v=get("種別"), ok="・".join(k.label() for k in DeviceKind)
                )
            )
        if not get("型番"):
            problems.append(_("型番が空です"))
        tag = normalize_tag(get("管理番号")) if get("管理番号") else ""
        if tag and (tag in existing or tag in seen_tags):
            problems.append(_("管理番号 {tag} はすでに使われています").format(tag=tag))
        seen_tags.add(tag)
        try:
            purchased = parse_date(get("購入日"))
        except (ValueError, KeyError):
            purchased = None
            problems.append(_("購入日「{v}」が日付として読めません(例: 2024/4/1)").format(v=get("購入日")))
        state = _state(get("状態"))
        if state is None or state == DeviceState.ON_LOAN.value:
            problems.append(
                _("状態「{v}」は取り込めません(貸出可・点検待ち・修理中・紛失・廃棄)").format(v=get("状態"))
            )
        if problems:
            errors.append((n, "、".join(problems)))
        else:
            parsed.append(
                (
                    tag,
                    kind,
                    get("メーカー"),
                    get("型番"),
                    get("シリアル番号"),
                    purchased,
                    get("保管場所"),
                    state,
                    get("備考"),
                )
            )
    if errors:
        raise InventoryImportError(errors)
    prefix = service.settings.get().asset_tag_prefix
    with service.db.write() as s:
        models: dict[tuple[str, str], DeviceModel] = {
            (m.maker, m.model_name): m for m in s.scalars(select(DeviceModel))
        }
        for i, (tag, kind, maker, model_name, serial, purchased, place, state, notes) in enumerate(parsed):
            model = models.get((maker, model_name))
            if model is None:
                model = DeviceModel(kind=kind, maker=maker, model_name=model_name, accessories="[]")
                s.add(model)
                s.flush()
                models[(maker, model_name)] = model
            row = Device(
                asset_tag=tag or next_asset_tag(s, prefix),
                model_id=model.id,
                serial=serial,
                purchase_date=purchased,
                storage_place=place,
                notes=notes,
                state=state,
            )
            s.add(row)
            s.flush()
            s.add(
                DeviceStateChange(
                    device_id=row.id,
                    at=now(),
                    from_state=None,
                    to_state=state,
                    staff_id=actor.staff_id,
                    reason=_("CSV取込"),
                )
            )
            index_device(s, row, model)
            if progress and i % 100 == 0:
                progress(i, len(parsed), _("取り込み中"))
        audit(s, actor, AuditAction.CREATE, "device", None, f"csv import count={len(parsed)}")
    return len(parsed)


def export_devices(service, actor: Actor) -> bytes:
    require(actor, Permission.LENDING_OPERATE)
    out = [HEADERS]
    with service.db.read() as s:
        for d, m in s.execute(
            select(Device, DeviceModel).join(DeviceModel, DeviceModel.id == Device.model_id).order_by(Device.asset_tag)
        ):
            out.append(
                [
                    d.asset_tag,
                    DeviceKind(m.kind).label(),
                    m.maker,
                    m.model_name,
                    d.serial,
                    d.purchase_date.strftime("%Y/%m/%d") if d.purchase_date else "",
                    d.storage_place,
                    DeviceState(d.state).label(),
                    d.notes,
                ]
            )
    return to_csv_bytes(out)
