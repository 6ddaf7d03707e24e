"""The devices of the loan being prepared at the desk, each with its accessory checklist (from the
device model, all ticked by default).  Delete removes the selected device."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem

from kyodo_desk.i18n import _
from kyodo_desk.services.inventory import DeviceRecord


class PendingDevices(QTreeWidget):
    changed = Signal()

    def __init__(self):
        super().__init__()
        self.setObjectName("pendingDevices")
        self.setColumnCount(2)
        self.setHeaderLabels([_("機器・付属品(チェック = 貸し出す)"), _("保管場所")])
        self.header().setStretchLastSection(False)
        self.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setRootIsDecorated(True)
        self.devices: list[DeviceRecord] = []

    def add(self, device: DeviceRecord) -> None:
        top = QTreeWidgetItem([f"{device.asset_tag}  {device.name}", device.storage_place])
        top.setData(0, Qt.ItemDataRole.UserRole, device.id)
        font = top.font(0)
        font.setBold(True)
        top.setFont(0, font)
        for acc in device.model.accessories:
            label = acc.name if acc.count == 1 else _("{name} ×{n}").format(name=acc.name, n=acc.count)
            child = QTreeWidgetItem([label, ""])
            child.setData(0, Qt.ItemDataRole.UserRole, acc.name)
            child.setFlags(child.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            child.setCheckState(0, Qt.CheckState.Checked)
            top.addChild(child)
        if not device.model.accessories:
            none = QTreeWidgetItem([_("(付属品なし)"), ""])
            none.setFlags(Qt.ItemFlag.NoItemFlags)
            top.addChild(none)
        self.addTopLevelItem(top)
        top.setExpanded(True)
        self.devices.append(device)
        self.changed.emit()

    def has(self, tag: str) -> bool:
        return any(d.asset_tag == tag for d in self.devices)

    def remove(self, device_id: int) -> None:
        for i in range(self.topLevelItemCount()):
            if self.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole) == device_id:
                self.takeTopLevelItem(i)
                break
        self.devices = [d for d in self.devices if d.id != device_id]
        self.changed.emit()

    def remove_selected(self) -> None:
        item = self.currentItem()
        if item is None:
            return
        top = item.parent() or item
        self.remove(top.data(0, Qt.ItemDataRole.UserRole))

    def clear_all(self) -> None:
        self.clear()
        self.devices = []
        self.changed.emit()

    def device_ids(self) -> tuple[int, ...]:
        return tuple(d.id for d in self.devices)

    def accessories(self) -> dict[int, tuple[str, ...]]:
        """Device id → names of the accessories ticked."""
        out = {}
        for i in range(self.topLevelItemCount()):
            top = self.topLevelItem(i)
            names = []
            for j in range(top.childCount()):
                child = top.child(j)
                if child.flags() & Qt.ItemFlag.ItemIsUserCheckable and child.checkState(0) == Qt.CheckState.Checked:
                    names.append(child.data(0, Qt.ItemDataRole.UserRole))
            out[top.data(0, Qt.ItemDataRole.UserRole)] = tuple(names)
        return out

    def set_accessory(self, device_id: int, name: str, ticked: bool) -> None:
        for i in range(self.topLevelItemCount()):
            top = self.topLevelItem(i)
            if top.data(0, Qt.ItemDataRole.UserRole) != device_id:
                continue
            for j in range(top.childCount()):
                if top.child(j).data(0, Qt.ItemDataRole.UserRole) == name:
                    top.child(j).setCheckState(0, Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.remove_selected()
            return
        super().keyPressEvent(event)
