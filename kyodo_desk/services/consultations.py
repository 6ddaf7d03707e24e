"""Consultations (相談受付): the one service the screens and the CLI use, put together from parts
with one job each:

* consultation_editing — intake, edit, delete        * consultation_queries — get, lists, 相談カルテ
* consultation_followups — 次の対応                   * consultation_cases — 案件
* consultation_referrals — 紹介の結果 recorded later   * consultation_retention — erasing old personal text
* consultation_records / _validation / _references — data shapes, checks, 受付番号

Consultations are personal data (APPI): opening one is audited, audit rows never hold the text,
and :meth:`ConsultationService.purge_expired` erases the personal text after the retention period
set in 設定 while keeping the statistics fields.  The names below stay importable from here.
"""

from __future__ import annotations

from kyodo_desk.services.conflict_retry import conflict_retrying
from kyodo_desk.services.consultation_cases import ConsultationCases
from kyodo_desk.services.consultation_editing import ConsultationEditing
from kyodo_desk.services.consultation_followups import ConsultationFollowUps
from kyodo_desk.services.consultation_queries import ConsultationQueries
from kyodo_desk.services.consultation_records import (
    KIND,
    CaseRecord,
    ConsultationFilter,
    ConsultationInput,
    ConsultationRecord,
)
from kyodo_desk.services.consultation_references import (
    PREFIX,
    fiscal_year_bounds,
    make_reference,
    next_reference,
    next_reference_for,
)
from kyodo_desk.services.consultation_referrals import ConsultationReferrals
from kyodo_desk.services.consultation_retention import ConsultationRetention
from kyodo_desk.services.consultation_validation import validate

__all__ = [
    "KIND",
    "PREFIX",
    "CaseRecord",
    "ConsultationFilter",
    "ConsultationInput",
    "ConsultationRecord",
    "ConsultationService",
    "fiscal_year_bounds",
    "make_reference",
    "next_reference",
    "next_reference_for",
    "validate",
]


@conflict_retrying
class ConsultationService(
    ConsultationEditing,
    ConsultationQueries,
    ConsultationFollowUps,
    ConsultationReferrals,
    ConsultationCases,
    ConsultationRetention,
):
    """Everything staff do with consultations (see the modules above for each part)."""
