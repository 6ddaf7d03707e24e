"""The filled documents of the desk, built from records through the document framework.

Each function checks the permission, writes a PRINT audit row (no personal values) and returns
PDF bytes; the UI previews/prints them through the print path, the CLI writes them to a file.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from kyodo_desk.db.lending_models import LoanItem
from kyodo_desk.db.models import Organization, Staff
from kyodo_desk.documents.base import CenterInfo
from kyodo_desk.documents.letters import Addressee, Letter, build_letter
from kyodo_desk.domain.dispatch import DispatchType, Field
from kyodo_desk.domain.enums import AuditAction
from kyodo_desk.domain.lending import AccessoryResult, Condition, DeviceState
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.i18n import _, date_both
from kyodo_desk.services.base import Actor, audit, require
from kyodo_desk.services.dispatch import require_notice_allowed


def _when(value: dt.datetime) -> str:
    return f"{date_both(value.date())} {value:%H:%M}"


class DeskDocuments:
    def __init__(self, services):
        self.sv = services

    def _center(self) -> CenterInfo:
        return CenterInfo.from_settings(self.sv.settings.get())

    def _mail_to(self, organization_id: int | None, person: str = "", *, contact: bool = False) -> Addressee:
        """The organization's postal address and name for a letter that may be mailed; *person* (or,
        with *contact*, the organization's 連絡担当者) is addressed 様, else the organization 御中."""
        if organization_id is None:
            return Addressee(person=person)
        with self.sv.db.read() as s:
            row = s.execute(
                select(
                    Organization.name, Organization.contact_name, Organization.postal_code, Organization.address
                ).where(Organization.id == organization_id)
            ).first()
        if row is None:
            return Addressee(person=person)
        name, contact_name, postal_code, address = row
        return Addressee(
            organization=name or "",
            person=person or (contact_name or "" if contact else ""),
            postal_code=postal_code or "",
            address=address or "",
        )

    def _return_staff(self, loan_id: int) -> str:
        """Who received the returned devices (each return records its staff member)."""
        with self.sv.db.read() as s:
            names = s.scalars(
                select(Staff.display_name)
                .join(LoanItem, LoanItem.return_staff_id == Staff.id)
                .where(LoanItem.loan_id == loan_id)
                .order_by(LoanItem.returned_at, LoanItem.id)
            ).all()
        return "、".join(dict.fromkeys(n for n in names if n))

    def _audit(self, actor: Actor, entity: str, entity_id: int, what: str) -> None:
        with self.sv.db.write() as s:
            audit(s, actor, AuditAction.PRINT, entity, entity_id, what)

    # ---- consultations ---------------------------------------------------------------
    def consultation_receipt(self, actor: Actor, consultation_id: int) -> bytes:
        """相談受付票 for the visitor: only this consultation, no other person's data."""
        require(actor, Permission.PRINT)
        c = self.sv.consultations.get(actor, consultation_id)
        center = self._center()
        fields = [
            (_("受付番号"), c.reference),
            (_("受付日時"), _when(c.received_at)),
            (_("受付方法"), c.channel_label),
            (_("相談の要旨"), c.summary),
        ]
        if c.answer:
            fields.append((_("回答・ご案内"), c.answer))
        if c.followup_action:
            due = date_both(c.followup_due) if c.followup_due else ""
            fields.append((_("次の対応"), _("{action}(期限 {due})").format(action=c.followup_label, due=due)))
        if c.referral_to:
            fields.append((_("ご紹介先"), " ".join(x for x in (c.referral_label, c.referral_detail) if x)))
        fields.append((_("担当"), c.staff_name))
        letter = Letter(
            title=_("相談受付票"),
            reference=c.reference,
            issued=c.received_at.date(),
            to=Addressee(organization=c.organization_name or "", person=c.person_name or ""),
            lead=_("ご相談いただきありがとうございました。次のとおり受け付けました。"),
            fields=fields,
            paragraphs=[
                _(
                    "ご相談の記録は、センターでの対応と、個人が分からない形での統計のためにだけ使い、{years}年後に消去します。お問い合わせの際は受付番号をお伝えください。"
                ).format(years=center.retention_years)
            ],
        )
        pdf = build_letter(letter, center)
        self._audit(actor, "consultation", c.id, "receipt")
        return pdf

    # ---- lending ---------------------------------------------------------------------
    def loan_slip(self, actor: Actor, loan_id: int) -> bytes:
        """借用書 for the borrower to sign."""
        require(actor, Permission.PRINT)
        loan = self.sv.loans.get(actor, loan_id)
        center = self._center()
        items = [
            [i.device.asset_tag, i.device.name, "、".join(i.accessories_out) or _("なし"), "□"] for i in loan.items
        ]
        letter = Letter(
            title=_("機器借用書"),
            reference=loan.reference,
            issued=loan.out_at.date(),
            to=Addressee(organization=center.center_name),  # the borrower writes to the center
            from_center=False,
            lead=_("次の機器を借用します。借用中は下記の事項を守ります。"),
            fields=[
                (_("借用団体"), loan.organization_name),
                (_("責任者"), loan.responsible_name),
                (_("貸出中の連絡先"), loan.contact_phone),
                (_("利用目的"), loan.purpose),
                (_("貸出日"), _when(loan.out_at)),
                (_("返却予定日"), date_both(loan.due_on)),
                (_("貸出担当"), loan.staff_name),
            ],
            items_header=[_("管理番号"), _("機器"), _("付属品"), _("確認")],
            items=items,
            terms_title=_("借用にあたっての約束"),
            terms=[
                _("返却予定日までに、付属品もそろえてセンターの窓口に返却します。"),
                _("紛失・故障・破損があったときは、すぐにセンターに連絡します。"),
                _("他の団体や個人に又貸しせず、営利目的には使いません。"),
                _("機器に保存した個人情報やパスワードは、返却前に消去します(センターでも返却時に初期化します)。"),
                _("故意または重大な過失による破損・紛失は、修理費等をご負担いただくことがあります。"),
            ],
            signatures=[_("借用者(責任者)"), _("貸出担当")],
        )
        pdf = build_letter(letter, center)
        self._audit(actor, "loan", loan.id, "slip")
        return pdf

    def return_receipt(self, actor: Actor, loan_id: int) -> bytes:
        require(actor, Permission.PRINT)
        loan = self.sv.loans.get(actor, loan_id)
        center = self._center()
        items = []
        for i in loan.items:
            if i.returned_at is None:
                items.append([i.device.asset_tag, i.device.name, _("未返却"), ""])
                continue
            acc = "、".join(f"{k}:{AccessoryResult(v).label()}" for k, v in i.accessories_back.items()) or _("なし")
            state = f"{Condition(i.condition).label() if i.condition else ''} / {DeviceState(i.result_state).label() if i.result_state else ''}"
            items.append([i.device.asset_tag, i.device.name, acc, f"{state}\n{_when(i.returned_at)}"])
        letter = Letter(
            title=_("機器返却受領書"),
            reference=loan.reference,
            issued=dt.date.today(),
            to=Addressee(organization=loan.organization_name, person=loan.responsible_name),
            lead=_("次のとおり返却を受け付けました。ありがとうございました。"),
            fields=[
                (_("貸出日"), _when(loan.out_at)),
                (_("返却予定日"), date_both(loan.due_on)),
                (_("状況"), _("すべて返却済み") if loan.status == "closed" else _("一部返却(未返却の機器があります)")),
                (_("受領担当"), self._return_staff(loan.id) or actor.name),
            ],
            items_header=[_("管理番号"), _("機器"), _("付属品"), _("状態・返却日時")],
            items=items,
        )
        pdf = build_letter(letter, center)
        self._audit(actor, "loan", loan.id, "return receipt")
        return pdf

    def reminder_letter(self, actor: Actor, loan_id: int, today: dt.date | None = None) -> bytes:
        """督促状: a polite request to return overdue devices."""
        require(actor, Permission.PRINT)
        today = today or dt.date.today()
        loan = self.sv.loans.get(actor, loan_id)
        center = self._center()
        letter = Letter(
            title=_("貸出機器のご返却のお願い"),
            reference=loan.reference,
            issued=today,
            to=self._mail_to(loan.organization_id, loan.responsible_name),
            lead=_(
                "日頃よりセンターをご利用いただきありがとうございます。下記の機器の返却予定日を過ぎております。お手数ですが、至急ご返却くださいますようお願いいたします。"
            ),
            fields=[
                (_("貸出番号"), loan.reference),
                (_("貸出日"), date_both(loan.out_at.date())),
                (_("返却予定日"), date_both(loan.due_on)),
                (_("経過日数"), _("{n}日").format(n=loan.days_overdue(today))),
            ],
            items_header=[_("管理番号"), _("機器"), _("付属品")],
            items=[
                [i.device.asset_tag, i.device.name, "、".join(i.accessories_out) or _("なし")] for i in loan.open_items
            ],
            paragraphs=[
                _(
                    "すでにご返却いただいている場合や、返却が難しい事情がある場合は、お手数ですが {phone} までご連絡ください。"
                ).format(phone=center.phone),
                _("本状と行き違いでご返却いただいた場合は、ご容赦ください。"),
            ],
        )
        pdf = build_letter(letter, center)
        self._audit(actor, "loan", loan.id, "reminder")
        return pdf

    # ---- dispatch --------------------------------------------------------------------
    def _dispatch_fields(self, app) -> list[tuple[str, str]]:
        out = [
            (_("受付番号"), app.reference),
            (_("派遣の種類"), DispatchType(app.dispatch_type).label()),
            (_("テーマ"), app.topic),
            (_("分野"), Field(app.field).label()),
            (_("会場"), app.venue),
            (_("参加予定人数"), _("{n}人").format(n=app.expected_participants)),
        ]
        if app.support:
            out.append((_("参加サポート"), app.support_label))
        return out

    def dispatch_notice(self, actor: Actor, app_id: int) -> bytes:
        """派遣決定通知書 to the group — only once the dispatch is decided (派遣決定 and after)."""
        require(actor, Permission.PRINT)
        app = self.sv.dispatch.get(actor, app_id)
        require_notice_allowed(app)
        center = self._center()
        sessions = [
            [
                _("{n}回目").format(n=x.number),
                _when(x.start_at) + (f"〜{x.end_at:%H:%M}" if x.end_at else ""),
                _("{name} 氏").format(name=x.advisor_name),
            ]
            for x in app.sessions
            if x.start_at and x.status != "cancelled"
        ]
        letter = Letter(
            title=_("派遣決定通知書"),
            reference=app.reference,
            issued=dt.date.today(),
            to=self._mail_to(app.organization_id, contact=True),
            lead=_(
                "{received}にお申し込みのありました件について、下記のとおり派遣を決定しましたので通知します。"
            ).format(received=date_both(app.received_on)),
            fields=self._dispatch_fields(app),
            items_header=[_("回"), _("日時"), _("派遣者")],
            items_widths=[0.12, 0.5, 0.38],
            items=sessions,
            paragraphs=[
                _(
                    "日程の変更や中止が必要になったときは、早めにセンターへご連絡ください。実施後は「実施報告書」のご提出をお願いします。"
                )
            ],
        )
        pdf = build_letter(letter, center)
        self._audit(actor, "dispatch", app.id, "notice")
        return pdf

    def advisor_request(self, actor: Actor, app_id: int, advisor_id: int) -> bytes:
        """依頼書 to the advisor for their visits of this application."""
        require(actor, Permission.PRINT)
        app = self.sv.dispatch.get(actor, app_id)
        advisor = self.sv.advisors.get(actor, advisor_id)
        center = self._center()
        mine = [x for x in app.sessions if x.advisor_id == advisor_id and x.start_at and x.status != "cancelled"]
        letter = Letter(
            title=_("派遣依頼書"),
            reference=app.reference,
            issued=dt.date.today(),
            to=Addressee(person=advisor.name),
            lead=_("下記のとおり派遣をお願いいたします。"),
            fields=[
                *self._dispatch_fields(app),
                (_("依頼先の団体"), app.organization_name),
                (
                    _("謝金・交通費"),
                    _("1回につき 謝金 {fee:,}円・交通費 {cost:,}円").format(fee=advisor.fee, cost=advisor.travel_cost),
                ),
            ],
            items_header=[_("回"), _("日時"), _("会場")],
            items_widths=[0.12, 0.5, 0.38],
            items=[
                [_("{n}回目").format(n=x.number), _when(x.start_at) + f"〜{x.end_at:%H:%M}", app.venue] for x in mine
            ],
            paragraphs=[
                _("実施後は、同封の「実施報告書」に参加者数と実施内容をご記入のうえ、センターへご提出ください。")
            ],
        )
        pdf = build_letter(letter, center)
        self._audit(actor, "dispatch", app.id, "advisor request")
        return pdf

    def report_form(self, actor: Actor, app_id: int) -> bytes:
        """実施報告書, pre-filled with the application and lined for handwriting."""
        require(actor, Permission.PRINT)
        app = self.sv.dispatch.get(actor, app_id)
        center = self._center()
        letter = Letter(
            title=_("派遣実施報告書"),
            reference=app.reference,
            issued=dt.date.today(),
            to=Addressee(organization=center.center_name),  # the group reports to the center
            from_center=False,
            lead=_("下記のとおり実施しましたので報告します。"),
            fields=[*self._dispatch_fields(app), (_("団体"), app.organization_name)],
            items_header=[_("回"), _("日時"), _("派遣者"), _("参加者数")],
            items_widths=[0.11, 0.45, 0.28, 0.16],
            items=[
                [
                    _("{n}回目").format(n=x.number),
                    _when(x.start_at) if x.start_at else "",
                    x.advisor_name,
                    _("　　　人"),
                ]
                for x in app.sessions
            ],
            writing_lines=[(_("実施内容(要約)"), 5), (_("団体からの感想・今後の課題"), 3)],
            signatures=[_("派遣者"), _("団体の代表者")],
        )
        pdf = build_letter(letter, center)
        self._audit(actor, "dispatch", app.id, "report form")
        return pdf
