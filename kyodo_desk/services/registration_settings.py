"""The registration scheme's own settings, kept as ``registration.*`` rows of the setting table
(every desk sees the same): the documents checked at an application, the number pattern, the
renewal period and whether an overdue registration lapses by itself."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from kyodo_desk.db.models import Setting, now
from kyodo_desk.domain.registration import DEFAULT_DOCUMENTS, DEFAULT_NUMBER_PATTERN, check_number_pattern
from kyodo_desk.domain.validation import Validator
from kyodo_desk.i18n import _

KEY_PREFIX = "registration."


@dataclass(frozen=True)
class RegistrationSettings:
    documents: tuple[str, ...] = DEFAULT_DOCUMENTS  # 提出書類 checked at 申請受付
    number_pattern: str = DEFAULT_NUMBER_PATTERN  # {year} fiscal year, {wareki} R7, {seq} 通し番号
    renewal_months: int = 12  # a 登録/更新 holds this long; the renewal is due at its end
    auto_lapse: bool = True  # an unrenewed registration lapses (失効) by itself after the period
    grace_days: int = 0  # days after the period before it lapses
    notice_days: int = 30  # 更新のお知らせ: shown as due this many days ahead


_FIELDS = [f.name for f in fields(RegistrationSettings)]


def validate(value: RegistrationSettings) -> RegistrationSettings:
    v = Validator()
    docs = tuple(dict.fromkeys(d.strip() for d in value.documents if d.strip()))
    if any(len(d) > 40 or "," in d for d in docs):
        v.add("documents", _("「提出書類」の名前は40文字以内で、「,」を使わずに入力してください。"))
    problem = check_number_pattern(value.number_pattern.strip())
    if problem:
        v.add("number_pattern", problem)
    if not 1 <= int(value.renewal_months) <= 60:
        v.add("renewal_months", _("「更新までの期間(月)」は1〜60の数で入力してください。"))
    if not 0 <= int(value.grace_days) <= 365:
        v.add("grace_days", _("「失効までの猶予(日)」は0〜365の数で入力してください。"))
    if not 0 <= int(value.notice_days) <= 180:
        v.add("notice_days", _("「更新の案内(何日前から)」は0〜180の数で入力してください。"))
    v.raise_if_any()
    return replace(value, documents=docs, number_pattern=value.number_pattern.strip())


def load(session: Session) -> RegistrationSettings:
    rows = session.scalars(select(Setting).where(Setting.key.like(KEY_PREFIX + "%"))).all()
    values: dict = {}
    for row in rows:
        name = row.key[len(KEY_PREFIX) :]
        if name not in _FIELDS:
            continue
        try:
            value = json.loads(row.value)
        except ValueError:
            continue
        values[name] = tuple(value) if isinstance(value, list) else value
    try:
        return RegistrationSettings(**values)
    except TypeError:
        return RegistrationSettings()


def store(session: Session, new: RegistrationSettings, staff_id: int | None) -> list[str]:
    """Write the changed fields; returns their names."""
    old = load(session)
    changed = [n for n in _FIELDS if getattr(old, n) != getattr(new, n)]
    data = asdict(new)
    for name in changed:
        raw = data[name]
        text = json.dumps(list(raw) if isinstance(raw, tuple) else raw, ensure_ascii=False)
        row = session.get(Setting, KEY_PREFIX + name)
        if row is None:
            session.add(Setting(key=KEY_PREFIX + name, value=text, updated_by=staff_id))
        else:
            row.value, row.updated_by, row.updated_at = text, staff_id, now()
    return changed
