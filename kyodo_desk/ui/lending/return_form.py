"""Checking one device back in: each accessory ticked back (or marked 欠品/破損), its condition,
the 初期化・個人データ消去 confirmation and the state the device goes to.

An accessory starts as 未確認 (not checked yet): it is neither returned nor missing until the person
ticks it back or chooses 欠品/破損, and a return with one still unchecked is refused (nothing is guessed)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QGridLayout, QGroupBox, QLineEdit, QVBoxLayout, QWidget

from kyodo_desk.domain.lending import AccessoryResult, Condition, DeviceState
from kyodo_desk.i18n import _
from kyodo_desk.services.loans import LoanItemRecord, ReturnRequest
from kyodo_desk.ui.lending.common import choice_combo
from kyodo_desk.ui.widgets.form import FieldErrors
from kyodo_desk.ui.widgets.page import plain_label

RESULT_STATES = (DeviceState.AVAILABLE, DeviceState.INSPECTION, DeviceState.REPAIR)


class ReturnItemForm(QWidget):
    def __init__(self, item: LoanItemRecord):
        super().__init__()
        self.item = item
        self.errors = FieldErrors()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title = plain_label(f"{item.device.asset_tag}  {item.device.name}")
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)

        box = QGroupBox(_("付属品(戻ったものにチェック。ないときは「未確認」を欠品・破損に変える)"))
        grid = QGridLayout(box)
        self.accessories: dict[str, tuple[QCheckBox, QComboBox]] = {}
        for row, name in enumerate(item.accessories_out):
            tick = QCheckBox(name)
            tick.setObjectName(f"accessory_{row}")
            problem = QComboBox()
            problem.setObjectName(f"accessoryProblem_{row}")
            problem.addItem(_("未確認"), None)
            problem.addItem(AccessoryResult.MISSING.label(), AccessoryResult.MISSING.value)
            problem.addItem(AccessoryResult.DAMAGED.label(), AccessoryResult.DAMAGED.value)
            keep = problem.sizePolicy()
            keep.setRetainSizeWhenHidden(True)
            problem.setSizePolicy(keep)
            tick.toggled.connect(
                lambda on, p=problem: p.setVisible(not on)
            )  # ticked = back: no 未確認/欠品 choice shown
            grid.addWidget(tick, row, 0)
            grid.addWidget(problem, row, 1)
            self.accessories[name] = (tick, problem)
        if not item.accessories_out:
            grid.addWidget(plain_label(_("貸出時の付属品はありません。")), 0, 0)
        grid.setColumnStretch(2, 1)
        box_form = QFormLayout()
        box_form.setContentsMargins(0, 0, 0, 0)
        self.errors.add_row(box_form, "accessories", "", box)
        layout.addLayout(box_form)

        form = QFormLayout()
        self.condition = choice_combo(Condition.choices())
        self.wiped = QCheckBox(_("初期化・個人データ消去 済み"))
        self.wiped.setObjectName("wiped")
        self.result_state = choice_combo([(s.value, s.label()) for s in RESULT_STATES])
        self.result_state.setObjectName("resultState")
        self.note = QLineEdit()
        self.note.setPlaceholderText(_("例: 画面に小さな傷あり"))
        self.errors.add_row(form, "condition", _("状態"), self.condition)
        self.errors.add_row(form, "wiped", _("データ消去"), self.wiped)
        self.errors.add_row(form, "result_state", _("返却後の扱い"), self.result_state)
        self.errors.add_row(form, "note", _("メモ"), self.note)
        layout.addLayout(form)
        layout.addStretch(1)
        self.condition.currentIndexChanged.connect(self._suggest_state)
        for tick, problem in self.accessories.values():
            tick.toggled.connect(self._suggest_state)
            problem.currentIndexChanged.connect(self._suggest_state)
        self.wiped.toggled.connect(self._suggest_state)
        self._suggest_state()

    def tick_all(self) -> None:
        for tick, _problem in self.accessories.values():
            tick.setChecked(True)

    def set_accessory(self, name: str, result: str | None) -> None:
        """*result*: returned / missing / damaged, or None for 未確認."""
        tick, problem = self.accessories[name]
        tick.setChecked(result == AccessoryResult.RETURNED.value)
        if result != AccessoryResult.RETURNED.value:
            problem.setCurrentIndex(max(0, problem.findData(result)))

    def accessories_back(self) -> dict[str, str | None]:
        """Name → returned / missing / damaged, or None while nobody has checked it."""
        return {
            name: AccessoryResult.RETURNED.value if tick.isChecked() else problem.currentData()
            for name, (tick, problem) in self.accessories.items()
        }

    def unchecked(self) -> list[str]:
        """Accessories neither ticked back nor marked 欠品/破損."""
        return [name for name, value in self.accessories_back().items() if value is None]

    def focus_unchecked(self) -> None:
        for name in self.unchecked()[:1]:
            self.accessories[name][0].setFocus()

    def complete(self) -> bool:
        return all(v == AccessoryResult.RETURNED.value for v in self.accessories_back().values())

    def _suggest_state(self, *_args) -> None:
        """貸出可 only when everything is back, in good condition and wiped; else 点検待ち (the user may choose 修理中)."""
        fine = self.complete() and self.condition.currentData() == Condition.GOOD.value and self.wiped.isChecked()
        current = self.result_state.currentData()
        if fine and current == DeviceState.INSPECTION.value:
            self.result_state.setCurrentIndex(self.result_state.findData(DeviceState.AVAILABLE.value))
        elif not fine and current == DeviceState.AVAILABLE.value:
            self.result_state.setCurrentIndex(self.result_state.findData(DeviceState.INSPECTION.value))

    def set_result_state(self, state: str) -> None:
        self.result_state.setCurrentIndex(self.result_state.findData(state))

    def request(self, returned_at=None, backdate_reason: str = "") -> ReturnRequest:
        return ReturnRequest(
            device_id=self.item.device.id,
            accessories_back=self.accessories_back(),
            condition=self.condition.currentData(),
            wiped=self.wiped.isChecked(),
            result_state=self.result_state.currentData(),
            note=self.note.text(),
            returned_at=returned_at,
            backdate_reason=backdate_reason,
        )
