"""``kyodo-desk person find|export|erase`` — APPI requests from the administrator's command line.

    kyodo-desk person find 山田                       # people whose name or kana contains it (ids)
    kyodo-desk person export 12 --out DIR             # 開示: DIR/kaiji_kojin12_YYYYMMDD.pdf and .csv
    kyodo-desk person export --organization 3 --out DIR
    kyodo-desk person erase 12 --reason erase --yes   # 利用停止・消去 (asks unless --yes)
    kyodo-desk person erase --organization 3 --reason stop_use [--include-people] --yes
    kyodo-desk person register --out 個人情報ファイル簿.pdf   # the personal-information file register

Every request is recorded in the audit log (the batch actor, kind, id — never the values).
"""

from __future__ import annotations

import sys
from pathlib import Path

from kyodo_desk.domain.personal_data import ErasureReason
from kyodo_desk.i18n import _


def command_actor(command: str):
    """The named system actor of a batch command (falls back to the plain system actor)."""
    from kyodo_desk.services import base

    make = getattr(base, "batch_actor", None)
    return make(command) if callable(make) else base.SYSTEM


def register(sub) -> None:
    p = sub.add_parser("person", help=_("個人情報の開示・消去(個人・団体の連絡先、管理者用)"))
    psub = p.add_subparsers(dest="person_command", required=True, metavar=_("操作"))

    f = psub.add_parser("find", help=_("氏名・カナで個人を探して番号を表示する"))
    f.add_argument("text", help=_("氏名かカナの一部"))
    f.set_defaults(func=run_find)

    r = psub.add_parser("register", help=_("個人情報ファイル簿を PDF に出力する"))
    r.add_argument("--out", type=Path, required=True, help=_("出力ファイル(.pdf)"))
    r.set_defaults(func=run_register)

    for name, help_text in (
        ("export", _("開示: 保有している個人情報を PDF と CSV に書き出す")),
        ("erase", _("利用停止・消去: 個人の記録を削除する/団体の連絡先を消去する")),
    ):
        c = psub.add_parser(name, help=help_text)
        c.add_argument("person_id", nargs="?", type=int, help=_("個人の番号(person find で確かめる)"))
        c.add_argument("--organization", type=int, metavar="ID", help=_("団体の番号(ORG-00012 なら 12)"))
        if name == "export":
            c.add_argument("--out", type=Path, required=True, help=_("保存先フォルダ"))
            c.set_defaults(func=run_export)
        else:
            c.add_argument(
                "--reason",
                required=True,
                choices=[r.value for r in ErasureReason],
                help=_(
                    "理由: stop_use=利用停止の求め erase=消去の求め wrong_entry=誤登録 no_longer_needed=目的を達した"
                ),
            )
            c.add_argument(
                "--include-matches", action="store_true", help=_("氏名・電話番号が同じ貸出・予約の連絡先も消去する")
            )
            c.add_argument("--include-people", action="store_true", help=_("団体: 所属する個人の記録も削除する"))
            c.add_argument("--yes", action="store_true", help=_("確認せずに消去する(スケジューラー用)"))
            c.set_defaults(func=run_erase)


def _subject(args) -> tuple[str, int] | None:
    if (args.person_id is None) == (args.organization is None):
        print(_("エラー: 個人の番号か --organization のどちらか一つを指定してください。"), file=sys.stderr)
        return None
    return ("person", args.person_id) if args.person_id is not None else ("organization", args.organization)


def run_find(args, ctx) -> int:
    services = ctx.services()
    found = services.people.find(command_actor("person find"), args.text)
    if not found:
        print(_("見つかりませんでした。"))
    for p in found:
        print(f"{p.id}\t{p.name}\t{p.organization_name}")
    return 0


def run_export(args, ctx) -> int:
    subject = _subject(args)
    if subject is None:
        return 2
    from kyodo_desk.documents.base import write_pdf

    services = ctx.services()
    files = services.privacy.export(command_actor("person export"), *subject)
    pdf = write_pdf(args.out / f"{files.stem}.pdf", files.pdf)
    csv_path = args.out / f"{files.stem}.csv"
    csv_path.write_bytes(files.csv)
    print(
        _("{name} さんについて {n} 項目を書き出しました:\n  {pdf}\n  {csv}").format(
            name=files.disclosure.subject_name, n=len(files.disclosure.values), pdf=pdf, csv=csv_path
        )
    )
    return 0


def run_erase(args, ctx) -> int:
    subject = _subject(args)
    if subject is None:
        return 2
    services = ctx.services()
    actor = command_actor("person erase")
    plan = services.privacy.erasure_plan(
        actor, *subject, include_matches=args.include_matches, include_people=args.include_people
    )
    if subject[0] == "person":
        what = _(
            "個人 {name}(#{id})の記録を削除し、その相談{c}件の文章と、一致した貸出{l}件・予約{r}件の連絡先を消去します。"
        )
    else:
        what = _("団体 {name}(#{id})の連絡先と、貸出{l}件・予約{r}件の連絡先、所属する個人{p}件を消去します。")
    print(
        what.format(
            name=plan.subject_name,
            id=plan.subject_id,
            c=plan.consultations,
            l=plan.loans,
            r=plan.reservations,
            p=plan.people,
        )
    )
    if not args.yes:
        answer = input(_("元に戻せません。消去するには yes と入力してください: "))
        if answer.strip().lower() != "yes":
            print(_("消去しませんでした。"))
            return 1
    result = services.privacy.erase(
        actor, *subject, args.reason, include_matches=args.include_matches, include_people=args.include_people
    )
    print(
        _("消去しました: 相談 {c}件、貸出 {l}件、予約 {r}件、個人 {p}件。").format(
            c=result.consultations, l=result.loans, r=result.reservations, p=result.people
        )
    )
    return 0


def run_register(args, ctx) -> int:
    from kyodo_desk.documents.base import write_pdf
    from kyodo_desk.services.printing import PERSONAL_FILE_REGISTER, PrintingService

    services = ctx.services()
    printing = PrintingService(services.db, services.settings)
    actor = command_actor("person register")
    doc = printing.build(actor, PERSONAL_FILE_REGISTER)
    path = write_pdf(args.out, doc.data)
    printing.record_output(actor, doc, destination="pdf")
    print(_("{title} を {path} に出力しました。").format(title=doc.title, path=path))
    return 0
