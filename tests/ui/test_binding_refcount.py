"""Guard against Qt bindings that leak references to None/True (PySide6 6.12.0 did: every void
call dropped one reference to None, aborting Python < 3.12 with 'none_dealloc' after a while)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    fired = Signal(bool)


def test_void_calls_and_signals_keep_none_and_true_alive(qapp):
    obj, emitter = QObject(), _Emitter()
    emitter.fired.connect(lambda _v: None)
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(2000):
        obj.setObjectName("x")
        emitter.fired.emit(True)
    assert sys.getrefcount(None) - none_before > -100, "the Qt binding leaks references to None"
    assert sys.getrefcount(True) - true_before > -100, "the Qt binding leaks references to True"
