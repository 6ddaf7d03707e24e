"""Build the Windows (or Linux) desktop bundle with PyInstaller and smoke-test the result.

    python -m pip install -e ".[build]"
    python build_installer.py            # → dist/KyodoDesk/KyodoDesk(.exe)

Steps: compile the gettext catalogues (i18n/*.po → kyodo_desk/locale/*.mo), run PyInstaller in
onedir mode with resources/, i18n/ and the Alembic migrations bundled, then start the built program
with ``--help`` and ``db upgrade`` against a throw-away folder to prove that it runs.
The onedir folder can be zipped or wrapped by an MSI/Inno Setup script on the release PC.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
NAME = "KyodoDesk"


def compile_catalogs() -> None:
    sys.path.insert(0, str(ROOT))
    from kyodo_desk.i18n import compile_catalogs as _compile

    for path in _compile():
        print("compiled", path.relative_to(ROOT))


def run_pyinstaller(console: bool) -> Path:
    sep = os.pathsep
    args = [
        sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--onedir", "--name", NAME,
        "--add-data", f"{ROOT / 'resources'}{sep}resources",
        "--add-data", f"{ROOT / 'i18n'}{sep}i18n",
        "--add-data", f"{ROOT / 'kyodo_desk' / 'db' / 'migrations'}{sep}kyodo_desk/db/migrations",
        "--add-data", f"{ROOT / 'kyodo_desk' / 'locale'}{sep}kyodo_desk/locale",
        "--collect-submodules", "kyodo_desk",
        "--collect-submodules", "alembic",
        "--collect-data", "holidays",
        "--collect-submodules", "holidays",
        "--collect-data", "babel",
        "--collect-data", "reportlab",
        "--hidden-import", "sqlalchemy.dialects.sqlite",
        "--hidden-import", "psycopg",
    ]
    if not console:
        args.append("--windowed")
    args.append(str(ROOT / "kyodo_desk" / "__main__.py"))
    subprocess.run(args, check=True, cwd=ROOT)
    exe = ROOT / "dist" / NAME / (NAME + (".exe" if sys.platform == "win32" else ""))
    if not exe.exists():
        raise SystemExit(f"build produced no program at {exe}")
    return exe


def smoke_test(exe: Path) -> None:
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, KYODO_DESK_HOME=home, QT_QPA_PLATFORM="offscreen")
        for argv in (["--help"], ["db", "upgrade"], ["demo", "--size", "small"], ["db", "current"]):
            result = subprocess.run([str(exe), *argv], env=env, capture_output=True, text=True, timeout=300)
            print(f"$ {exe.name} {' '.join(argv)} → {result.returncode}")
            if result.returncode != 0:
                print(result.stdout, result.stderr, sep="\n")
                raise SystemExit("smoke test failed")
    print("smoke test passed")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--console", action="store_true", help="keep a console window (needed to see batch output on Windows)")
    parser.add_argument("--skip-smoke", action="store_true")
    args = parser.parse_args()
    compile_catalogs()
    exe = run_pyinstaller(console=args.console or sys.platform != "win32")
    if not args.skip_smoke:
        smoke_test(exe)
    return 0


if __name__ == "__main__":
    sys.exit(main())
