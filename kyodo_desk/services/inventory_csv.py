"""The device inventory as a CSV file that Japanese Excel opens, and that imports back unchanged.

Export: UTF-8 with BOM, the formula guard of services/csv_export, the accessory checklist of each
device's model in 付属品 (「充電器、USBケーブル×2」).  Import goes through the one import flow of
:mod:`kyodo_desk.services.imports` (any heading synonyms, Excel or CSV, preview, all or nothing);
:func:`import_devices` is that flow with the guessed mapping, for callers without a dialog.
"""

from __future__ import annotations

from sqlalchemy import select

from kyodo_desk.db.lending_models import Device, DeviceModel
from kyodo_desk.domain.lending import DeviceKind, DeviceState
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.i18n import _
from kyodo_desk.services.base import Actor, ServiceError, require
from kyodo_desk.services.csv_export import to_csv_bytes
from kyodo_desk.services.inventory import parse_accessories

HEADERS = ["管理番号", "種別", "メーカー", "型番", "シリアル番号", "購入日", "保管場所", "状態", "備考", "付属品"]


class InventoryImportError(ServiceError):
    def __init__(self, errors: list[tuple[int, str]]):
        self.errors = errors
        lines = [_("{row}行目: {reason}").format(row=r, reason=m) for r, m in errors[:50]]
        more = _("ほか {n} 件").format(n=len(errors) - 50) if len(errors) > 50 else ""
        super().__init__(
            _("取り込みを中止しました(何も登録していません)。\n") + "\n".join(lines) + ("\n" + more if more else "")
        )


def import_devices(service, actor: Actor, data: bytes, progress=None) -> int:
    """Import devices from the bytes of a CSV or Excel file with the guessed (or remembered) mapping;
    returns the number created.  Raises InventoryImportError (row, reason) and writes nothing when
    any row is bad or the file cannot be read."""
    from kyodo_desk.services.imports import ImportFileRefused, ImportRowsRefused, ImportService

    imports = ImportService(service.db, service.settings)
    try:
        table, mapping, values = imports.open_file(actor, "devices", data)
        result = imports.run(actor, "devices", table, mapping, values, progress=progress)
    except ImportFileRefused as exc:
        raise InventoryImportError([(1, str(exc))]) from exc
    except ImportRowsRefused as exc:
        raise InventoryImportError([(r.number, "、".join(r.problems)) for r in exc.preview.errors]) from exc
    except ServiceError as exc:
        if type(exc) is ServiceError:  # a mapping problem (a required column missing)
            raise InventoryImportError([(1, str(exc))]) from exc
        raise
    return result.created


def export_devices(service, actor: Actor) -> bytes:
    from kyodo_desk.services.imports.devices import accessories_text

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
                    accessories_text(parse_accessories(m.accessories)),
                ]
            )
    return to_csv_bytes(out)
