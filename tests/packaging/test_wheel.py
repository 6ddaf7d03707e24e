"""A wheel is complete on its own: built from a clean copy of the source, installed into a fresh venv,
it prints the handbook, a label sheet, a form and a report with its own resources, font and catalogues.

The new venv gets no network and no dependencies installed: a ``.pth`` file lets it see the
libraries of the environment running the tests (but not their ``.pth`` hooks, so an editable
kyodo_desk there stays invisible) — the copy of kyodo_desk it imports is the installed wheel.
"""

from __future__ import annotations

import io
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.packaging.conftest import clean_env, copy_source

pytestmark = pytest.mark.slow


def _run(argv: list, cwd: Path, env: dict, timeout: int = 600) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{argv} → {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    base = tmp_path_factory.mktemp("wheel")
    src = copy_source(base / "src")
    env = clean_env()
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-build-isolation", "--no-deps", "-q", "-w", base / "dist", src],
        cwd=base,
        env=env,
    )
    (wheel,) = (base / "dist").glob("kyodo_desk-*.whl")
    venv = base / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=base, env=env)
    scripts = venv / ("Scripts" if sys.platform == "win32" else "bin")
    python = scripts / ("python.exe" if sys.platform == "win32" else "python")
    site = Path(
        _run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], base, env).stdout.strip()
    )
    here = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "_kyodo_test_parent_env.pth").write_text("\n".join(sorted(here)) + "\n", encoding="utf-8")
    # pip ≥ 22.3 installs into another interpreter with --python (the new venv has no pip of its own)
    _run(
        [sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "-q", wheel], base, env
    )
    return {"wheel": wheel, "venv": venv, "python": python, "scripts": scripts, "env": env, "base": base}


def test_wheel_carries_resources_fonts_and_compiled_catalogues(installed):
    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    for needed in (
        "kyodo_desk/resources/handbook/title.toml",
        "kyodo_desk/resources/labels/templates.json",
        "kyodo_desk/resources/fonts/BIZUDGothic-Regular.ttf",
        "kyodo_desk/resources/fonts/BIZUDGothic-Bold.ttf",
        "kyodo_desk/resources/fonts/OFL.txt",
        "kyodo_desk/locale/en/LC_MESSAGES/kyodo_desk.mo",
        "kyodo_desk/locale/ja/LC_MESSAGES/kyodo_desk.mo",
        "kyodo_desk/db/migrations/env.py",
    ):
        assert needed in names, needed


def test_installed_copy_prints_every_kind_of_document(installed):
    py, base, env = installed["python"], installed["base"], installed["env"]
    where = _run(
        [
            py,
            "-c",
            "import kyodo_desk, kyodo_desk.config as c, kyodo_desk.i18n as i; "
            "print(kyodo_desk.__file__); print(c.resource_dir()); i.setup_i18n('en'); print(i._('相談票'))",
        ],
        base,
        env,
    ).stdout.splitlines()
    venv = str(installed["venv"].resolve())
    assert where[0].startswith(venv) and where[1].startswith(venv), where  # the wheel's copy, not the checkout
    assert where[2] == "Consultation form"  # compiled English catalogue from the wheel

    exe = installed["scripts"] / "kyodo-desk"
    home = base / "home"
    out = base / "out"
    kd = [exe, "--home", home]
    assert "0.1.0" in _run([exe, "--version"], base, env).stdout
    _run([*kd, "demo", "--size", "small"], base, env)
    _run([*kd, "handbook", "--out", out / "handbook.pdf"], base, env)
    _run([*kd, "labels", "--all", "--template", "a4-24", "--out", out / "labels.pdf"], base, env)
    _run([*kd, "form", "registration", "--out", out / "form.pdf"], base, env)
    _run([*kd, "report", "consultations", "--fiscal-year", "2025", "--out", out / "report.pdf"], base, env)

    def text(name: str) -> str:
        reader = PdfReader(io.BytesIO((out / name).read_bytes()))
        fonts = {
            str(f.get_object()["/BaseFont"])
            for p in reader.pages
            for f in (p["/Resources"].get("/Font") or {}).values()
        }
        assert any("BIZUDGothic" in f for f in fonts), (name, fonts)  # the bundled face, embedded
        return "\n".join(p.extract_text() or "" for p in reader.pages)

    assert "パートナーシップ" in text("handbook.pdf")
    assert "KD-0001" in text("labels.pdf")
    assert "登録申請書" in text("form.pdf")
    assert "相談" in text("report.pdf")


def test_installed_copy_passes_its_self_test(installed):
    result = _run([installed["scripts"] / "kyodo-desk", "--self-test"], installed["base"], installed["env"])
    assert result.stdout.strip().splitlines()[-1].startswith("セルフテスト成功"), result.stdout
