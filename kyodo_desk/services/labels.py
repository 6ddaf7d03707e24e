"""Label sheets for devices: which labels to print and on which sheet template."""

from __future__ import annotations

import json
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from kyodo_desk.db.engine import Database
from kyodo_desk.db.lending_models import Device, DeviceModel, LabelTemplateRow
from kyodo_desk.documents.labels import (
    LabelData,
    LabelTemplate,
    build_calibration_page,
    build_label_sheets,
    builtin_templates,
    find_template,
    ordered_templates,
)
from kyodo_desk.domain.enums import AuditAction
from kyodo_desk.domain.lending import DeviceKind
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.i18n import _
from kyodo_desk.services.base import Actor, ServiceError, StaleEdit, audit, require
from kyodo_desk.services.inventory import normalize_tag


class LabelService:
    def __init__(self, db: Database, settings):
        self.db = db
        self.settings = settings

    def templates(self) -> dict[str, LabelTemplate]:
        """Every sheet by name: the generic ones, this center's own, then the products by maker and number."""
        out = builtin_templates()
        with self.db.read() as s:
            for row in s.scalars(select(LabelTemplateRow).order_by(LabelTemplateRow.name)):
                try:
                    stored = {k: v for k, v in json.loads(row.definition).items() if k != "version"}
                    out[row.name] = LabelTemplate(**stored, version=row.version)
                except (TypeError, ValueError):
                    continue
        return {t.name: t for t in ordered_templates(out)}

    def save_template(
        self, actor: Actor, template: LabelTemplate, expected_version: int | None = None
    ) -> LabelTemplate:
        """Add a user-defined sheet (*expected_version* None: the desk showed no sheet of that name)
        or replace one (*expected_version*: the stored sheet's version the desk showed).  Built-in
        names can't be replaced; a name another desk took meanwhile is refused under the name, and a
        sheet another desk saved since it was shown is refused (StaleEdit).  Returns the stored sheet."""
        require(actor, Permission.INVENTORY_EDIT)
        if template.name in builtin_templates():
            raise ValidationError(
                {"name": _("「{name}」は標準の用紙名です。別の名前にしてください。").format(name=template.name)}
            )
        problems = template.validate()
        if problems:
            raise ValidationError({"template": "\n".join(problems)})
        try:
            with self.db.write() as s:
                row = s.scalar(select(LabelTemplateRow).where(LabelTemplateRow.name == template.name))
                if row is None and expected_version is not None:  # the sheet shown is gone
                    raise StaleEdit(_("ラベル用紙"))
                if row is None:
                    row = LabelTemplateRow(name=template.name, definition=template.to_json())
                    s.add(row)
                elif expected_version is None:  # another desk added a sheet of this name meanwhile
                    raise ValidationError(
                        {
                            "name": _("「{name}」という用紙はもうあります。別の名前にしてください。").format(
                                name=template.name
                            )
                        }
                    )
                elif row.version != expected_version:
                    raise StaleEdit(_("ラベル用紙"))
                else:
                    row.definition = template.to_json()
                s.flush()  # an UPDATE ... WHERE version=? another desk got to first: StaleDataError
                audit(s, actor, AuditAction.UPDATE, "label_template", row.id)
                return replace(template, version=row.version)
        except StaleDataError as exc:
            raise StaleEdit(_("ラベル用紙")) from exc

    def label_data(self, actor: Actor, tags: list[str] | None = None) -> list[LabelData]:
        """Labels for *tags* (in the given order) or for every device not retired (tags None)."""
        require(actor, Permission.LENDING_OPERATE)
        center = self.settings.get()
        with self.db.read() as s:
            stmt = select(Device.asset_tag, DeviceModel.kind, DeviceModel.maker, DeviceModel.model_name).join(
                DeviceModel, DeviceModel.id == Device.model_id
            )
            if tags is None:
                rows = s.execute(stmt.where(Device.state != "retired").order_by(Device.asset_tag)).all()
            else:
                wanted = [normalize_tag(t) for t in tags if t.strip()]
                found = {r.asset_tag: r for r in s.execute(stmt.where(Device.asset_tag.in_(wanted)))}
                missing = [t for t in wanted if t not in found]
                if missing:
                    raise ServiceError(_("登録されていない管理番号があります: {tags}").format(tags=", ".join(missing)))
                rows = [found[t] for t in wanted]
        return [
            LabelData(
                r.asset_tag,
                f"{DeviceKind(r.kind).label()} {r.maker} {r.model_name}".strip(),
                center.center_name,
                _("電話 {n}").format(n=center.phone),
            )
            for r in rows
        ]

    def build(
        self,
        actor: Actor,
        tags: list[str] | None,
        template_name: str,
        *,
        start: int = 1,
        offset_x_mm: float = 0,
        offset_y_mm: float = 0,
        progress=None,
    ) -> bytes:
        require(actor, Permission.LENDING_OPERATE)
        template = self._template(template_name)
        data = self.label_data(actor, tags)
        pdf = build_label_sheets(
            data, template, start=start, offset_x_mm=offset_x_mm, offset_y_mm=offset_y_mm, progress=progress
        )
        with self.db.write() as s:
            audit(s, actor, AuditAction.PRINT, "label", None, f"labels={len(data)} template={template.name}")
        return pdf

    def calibration(self, template_name: str, *, offset_x_mm: float = 0, offset_y_mm: float = 0) -> bytes:
        return build_calibration_page(self._template(template_name), offset_x_mm=offset_x_mm, offset_y_mm=offset_y_mm)

    def _template(self, name: str) -> LabelTemplate:
        """The sheet named *name*, or the product whose number is *name* (「72110」)."""
        templates = self.templates()
        found = find_template(templates, name)
        if found is None:
            raise ServiceError(
                _("ラベル用紙「{name}」はありません。使える用紙: {names}").format(name=name, names=", ".join(templates))
            )
        return found
