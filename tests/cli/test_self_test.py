"""``kyodo-desk --self-test``: every step runs in a temporary folder; a failure names its step."""

from __future__ import annotations

import io

import pytest

from kyodo_desk.cli import main
from kyodo_desk.commands import self_test


def test_self_test_passes_and_leaves_the_desk_data_alone(capsys, _isolated_home):
    assert main(["--self-test"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split(" ", 2)[:2] for line in lines[1:-1]] == [["OK", f"{n}."] for n in range(1, 6)]
    assert "すべてのコードを確認" in lines[3] and "BIZ UDゴシック埋め込み" in lines[4]
    assert lines[-1].startswith("セルフテスト成功")
    assert not (_isolated_home / "data" / "kyodo_desk.db").exists()  # the temporary folder was used


def test_failing_step_is_named_and_exits_1(monkeypatch, capsys):
    def broken(_state):
        raise OSError("disk full")

    steps = list(self_test.STEPS)
    steps[1] = (steps[1][0], broken)
    monkeypatch.setattr(self_test, "STEPS", steps)
    assert main(["--self-test"]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-2] == "NG 2. デモデータ: OSError: disk full"
    assert out[-1] == "セルフテスト失敗: 手順 2「デモデータ」"


@pytest.fixture
def state_with_demo(tmp_path):
    state = self_test.SelfTestState(tmp_path)
    self_test._database(state)
    self_test._demo(state)
    yield state
    state.values["db"].engine.dispose()


def test_without_zxing_every_module_of_every_label_is_compared(state_with_demo, monkeypatch):
    monkeypatch.setattr(self_test, "_reader", lambda: self_test._matches_matrix)
    assert "模様の照合" in self_test._labels(state_with_demo)


def test_module_comparison_rejects_another_tag(state_with_demo, monkeypatch):
    seen = []

    def wrong_tag(crop, tag, level):
        seen.append(tag)
        return self_test._matches_matrix(crop, tag[:-1] + ("9" if tag[-1] != "9" else "8"), level)

    monkeypatch.setattr(self_test, "_reader", lambda: wrong_tag)
    with pytest.raises(RuntimeError, match="読み取れないQRコード"):
        self_test._labels(state_with_demo)
    assert seen


def test_self_test_output_is_written_to_the_given_stream(monkeypatch):
    monkeypatch.setattr(self_test, "STEPS", [(self_test.STEPS[0][0], lambda _s: "ok")])
    out = io.StringIO()
    assert self_test.run_self_test(out) == 0
    assert "OK 1. データベースの作成と更新" in out.getvalue()
