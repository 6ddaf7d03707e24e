"""Build the desktop program with PyInstaller (one folder), prove it works, and package it.

    python -m pip install -e ".[build]"
    python build_installer.py              # → dist/KyodoDesk/ and an installer/archive next to it

Steps:

1. compile the gettext catalogues (``i18n/*.po``) into ``build/installer/locale`` (the source tree
   is not touched);
2. write ``build/installer/KyodoDesk.spec`` from this script (the spec is generated on every build,
   so there is no hand-edited spec to drift) and run PyInstaller on it.  The bundle carries the
   Alembic migrations, the compiled catalogues and ``resources/`` (handbook, label sheets, the
   BIZ UDGothic font) at ``kyodo_desk/…`` — the same places a wheel has them — and leaves out what
   the desk never uses: Qt modules other than Core/Gui/Widgets/PrintSupport/Pdf/PdfWidgets, Qt
   translations other than ja/en, Babel locales other than ja/en, other countries' holiday names,
   test tools.  zxing-cpp (2 MB) is included when installed so the frozen ``--self-test`` decodes
   the label codes it prints;
3. check the folder is at most 150 MB, time the frozen program's start-up (``--version``), and run
   the frozen ``--self-test`` — the build fails when it fails, and nothing is packaged;
4. package the tested folder: on Windows write ``KyodoDesk.iss`` (Inno Setup: per-user install into
   ``{localappdata}\\Programs``, no administrator rights, Start-menu shortcut, uninstaller that keeps
   the data folder, upgrade in place, version from the package metadata) and compile it when
   ``ISCC.exe`` is found; on Linux write ``KyodoDesk-<version>-linux-<arch>.tar.gz``.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
NAME = "KyodoDesk"
CONSOLE_NAME = "kyodo-desk"  # Windows: the console twin of the windowed KyodoDesk.exe (same folder, same files)
MAX_BUNDLE_MB = 150
STAGE = ROOT / "build" / "installer"
DIST = ROOT / "dist"
# Stable id so a newer installer upgrades the installed copy in place (never change it).
INNO_APP_ID = "{{6B1F3C2E-9A4D-4E7B-B1C5-2F0D8A7E5C31}"

QT_MODULES_USED = ["QtCore", "QtGui", "QtWidgets", "QtPrintSupport", "QtPdf", "QtPdfWidgets"]
# fmt: off
# Python bindings left out (their C++ libraries stay when a kept library needs them: QtPdf needs Qt6Network,
# the ibus input method (Japanese IME on Linux) needs Qt6DBus; the home page charts are painted by the desk itself:
# QtCharts and the OpenGL libraries it links cost 4 MB)
QT_MODULES_UNUSED = [
    "Qt3DAnimation", "Qt3DCore", "Qt3DExtras", "Qt3DInput", "Qt3DLogic", "Qt3DRender", "QtAxContainer",
    "QtBluetooth", "QtCharts", "QtConcurrent", "QtDataVisualization", "QtDBus", "QtDesigner", "QtGraphs",
    "QtHelp", "QtHttpServer", "QtLocation", "QtMultimedia", "QtMultimediaWidgets", "QtNetwork", "QtNetworkAuth",
    "QtNfc", "QtOpenGL", "QtOpenGLWidgets", "QtPositioning", "QtQml", "QtQuick", "QtQuick3D", "QtQuickControls2",
    "QtQuickWidgets", "QtRemoteObjects", "QtScxml", "QtSensors", "QtSerialBus", "QtSerialPort", "QtSpatialAudio",
    "QtSql", "QtStateMachine", "QtSvg", "QtSvgWidgets", "QtTest", "QtTextToSpeech", "QtUiTools", "QtWebChannel",
    "QtWebEngineCore", "QtWebEngineQuick", "QtWebEngineWidgets", "QtWebSockets", "QtWebView", "QtXml",
]
PYTHON_EXCLUDES = [
    "tkinter", "unittest", "pydoc_data", "lib2to3", "IPython", "matplotlib", "numpy", "pytest", "_pytest",
    "hypothesis", "pytestqt", "PyInstaller", "setuptools", "pip", "wheel", "mypy", "ast_serialize", "ruff",
    # a test-only reference for domain/japan_holidays.py (installed with the test extras)
    "holidays",
    # SQLAlchemy's dialects for servers the desk never talks to, and its test harness
    "sqlalchemy.dialects.mysql", "sqlalchemy.dialects.mssql", "sqlalchemy.dialects.oracle", "sqlalchemy.testing",
    # pypdf's optional encryption backend; the desk never opens encrypted PDFs
    "cryptography",
    # Pillow plugins ReportLab never needs (handbook images are PNG/JPEG; PIL falls back when they are absent)
    "PIL._avif", "PIL.AvifImagePlugin", "PIL._imagingtk", "PIL.ImageTk", "PIL.ImageQt", "PIL._webp",
    "PIL._imagingcms", "PIL._imagingft",
    # pulled in by optional code paths only (syntax highlighting, templates, setuptools' runtime, TLS: the
    # desk opens no network connection of its own; psycopg's binary wheel brings its own TLS for PostgreSQL)
    "pygments", "jinja2", "pkg_resources", "ssl", "_ssl",
    # database engines other than SQLite and PostgreSQL, and the libraries' own test suites
    "sqlalchemy.dialects.mysql", "sqlalchemy.dialects.mssql", "sqlalchemy.dialects.oracle", "sqlalchemy.testing",
    "alembic.testing",
    # Chinese and Korean codecs (the Japanese ones stay: Shift_JIS CSV for Excel, ISO-2022-JP)
    "_codecs_cn", "_codecs_hk", "_codecs_kr", "_codecs_tw",
]
# Qt libraries that only the dropped plugins below need
QT_LIBS_UNUSED = (
    r"(lib)?Qt6(Wayland\w*|Qml\w*|Quick\w*|VirtualKeyboard\w*|EglFS\w*|EglFs\w*|WlShell\w*|Svg\w*|Charts\w*)\b"
)
# Linux: libraries of the desktop itself are not bundled (X11/xcb, GL/EGL, fontconfig/freetype, glib/GTK stack,
# D-Bus/systemd, CUPS with its TLS/Kerberos chain, libstdc++, OpenSSL 3).  The PySide6 wheels rely on the same
# system libraries (README: the Qt runtime libraries), and a bundled copy that differs from the running X
# server's or CUPS's version is a classic source of breakage.  Kept: SQLite (the database engine; FTS5 trigram
# needs 3.34+) and Python's own small compression/FFI libraries.
LINUX_SYSTEM_LIB_DIRS = ("/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/")
LINUX_SYSTEM_LIBS_KEPT = r"^lib(python3|sqlite3|ffi|lzma|bz2|z|mpdec|uuid|expat)[.-]"
# Qt plugins the desk does not use (embedded/wayland/VNC back-ends, GTK theme, SVG, exotic image formats,
# the QML virtual keyboard).  Kept: xcb, offscreen and minimal platforms, compose/ibus input (Japanese IME),
# CUPS printing, JPEG/GIF/ICO images, Windows platform/style/print plugins.
QT_PLUGINS_UNUSED = (
    r"plugins/(egldeviceintegrations|generic|wayland-[a-z-]+|platformthemes|iconengines)/"
    r"|plugins/platforms/(lib)?q(eglfs|linuxfb|minimalegl|vnc|wayland|vkkhrdisplay)"
    r"|plugins/platforminputcontexts/(lib)?qtvirtualkeyboard"
    # the desk loads no image files through Qt (PNG is built in; previews are rendered by QtPdf)
    r"|plugins/imageformats/(lib)?q(svg|tiff|webp|icns|tga|wbmp|pdf|jpeg|gif|ico)"
)
# Data files kept only for ja/en (regular expressions on the path inside the bundle, "/" separated).
DATA_FILTERS = [
    (r"PySide6/Qt/translations/", r"_(ja|en)\.qm$"),
    (r"babel/locale-data/", r"/(root|en|en_001|en_GB|en_US|ja|ja_JP)\.dat$"),
]
# fmt: on


def version() -> str:
    """The package version (pyproject.toml reads it from ``kyodo_desk.__version__`` too)."""
    sys.path.insert(0, str(ROOT))
    from kyodo_desk import __version__

    return __version__


def compile_catalogs(target: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from kyodo_desk.i18n import compile_catalogs as _compile

    for path in _compile(target):
        print("compiled", path)


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def write_spec(console: bool) -> Path:
    """The PyInstaller spec for this build (regenerated every time; do not edit the output)."""
    hidden = ["sqlalchemy.dialects.sqlite", "sqlalchemy.dialects.postgresql"]
    for optional in ("psycopg", "psycopg_binary", "zxingcpp"):
        if _has(optional):
            hidden.append(optional)
    excludes = PYTHON_EXCLUDES + [f"PySide6.{m}" for m in QT_MODULES_UNUSED]
    strip = sys.platform != "win32"
    datas = [
        (ROOT / "resources", "kyodo_desk/resources"),
        (STAGE / "locale", "kyodo_desk/locale"),
        (ROOT / "kyodo_desk" / "db" / "migrations", "kyodo_desk/db/migrations"),
    ]
    spec = f"""# Generated by build_installer.py — do not edit; change the script instead.
from PyInstaller.utils.hooks import collect_data_files, collect_submodules
import re

datas = {[(str(s), d) for s, d in datas]!r}
# ReportLab's own data (Type 1 demo fonts, Vera) is not needed: every document embeds the bundled TrueType face
hiddenimports = {hidden!r}
hiddenimports += collect_submodules("kyodo_desk")  # holidays: computed in domain/japan_holidays.py
hiddenimports += collect_submodules("alembic", filter=lambda name: not name.startswith("alembic.testing"))

a = Analysis(
    [{str(ROOT / "kyodo_desk" / "__main__.py")!r}],
    pathex=[{str(ROOT)!r}],
    datas=datas,
    hiddenimports=hiddenimports,
    excludes={excludes!r},
    noarchive=False,
)

DATA_FILTERS = {DATA_FILTERS!r}
QT_PLUGINS_UNUSED = {QT_PLUGINS_UNUSED!r}
QT_LIBS_UNUSED = {QT_LIBS_UNUSED!r}
LINUX = {sys.platform.startswith("linux")!r}
LINUX_SYSTEM_LIB_DIRS = {LINUX_SYSTEM_LIB_DIRS!r}
LINUX_SYSTEM_LIBS_KEPT = {LINUX_SYSTEM_LIBS_KEPT!r}


def keep(dest):
    path = dest.replace("\\\\", "/")
    for area, wanted in DATA_FILTERS:
        if area in path and not re.search(wanted, path):
            return False
    if "__pycache__" in path or re.search(QT_PLUGINS_UNUSED, path):
        return False
    return True


def keep_binary(entry):
    dest, source = entry[0], str(entry[1] or "")
    name = dest.replace("\\\\", "/").rsplit("/", 1)[-1]
    if re.match(QT_LIBS_UNUSED, name):
        return False
    if LINUX and source.startswith(LINUX_SYSTEM_LIB_DIRS) and not re.match(LINUX_SYSTEM_LIBS_KEPT, name):
        return False
    return keep(dest)


a.datas = [entry for entry in a.datas if keep(entry[0])]
a.binaries = [entry for entry in a.binaries if keep_binary(entry)]
pyz = PYZ(a.pure)
# strip: the Python and extension libraries of a source-built Python carry debug symbols (libpython 23 → 6 MB)
exe = EXE(pyz, a.scripts, [], exclude_binaries=True, name={NAME!r}, console={console!r}, upx=False, strip={strip!r})
programs = [exe]
if {not console!r}:  # windowed GUI: a second, console program for batch commands, the scheduler and --self-test
    programs.append(EXE(pyz, a.scripts, [], exclude_binaries=True, name={CONSOLE_NAME!r}, console=True, upx=False,
                        strip={strip!r}))
coll = COLLECT(*programs, a.binaries, a.datas, upx=False, strip={strip!r}, name={NAME!r})
"""
    path = STAGE / f"{NAME}.spec"
    path.write_text(spec, encoding="utf-8")
    return path


def run_pyinstaller(spec: Path) -> Path:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            str(DIST),
            "--workpath",
            str(STAGE / "work"),
            str(spec),
        ],
        check=True,
        cwd=ROOT,
    )
    exe = DIST / NAME / (NAME + (".exe" if sys.platform == "win32" else ""))
    if not exe.exists():
        raise SystemExit(f"FAILED: the build produced no program at {exe}")
    return exe


def check_libraries(folder: Path) -> None:
    """Every Qt library or plugin in the bundle finds the Qt libraries it links (Linux; catches an over-eager
    filter that the offscreen self-test would not notice, e.g. the X11 platform plugin or the IME plugin)."""
    if not sys.platform.startswith("linux"):
        return
    from PyInstaller.depend.bindepend import get_imports

    qt_lib = folder / "_internal" / "PySide6" / "Qt" / "lib"
    present = {p.name for p in qt_lib.iterdir()}
    missing = []
    for binary in (folder / "_internal" / "PySide6").rglob("*.so*"):
        for needed in get_imports(str(binary)):
            name = needed if isinstance(needed, str) else needed[0]
            if name.startswith("libQt6") and name not in present:
                missing.append(f"{binary.relative_to(folder)} needs {name}")
    if missing:
        raise SystemExit("FAILED: bundled Qt files miss libraries:\n  " + "\n  ".join(sorted(missing)))


def folder_mb(folder: Path) -> float:
    """Size on disk of the folder (symbolic links inside a bundle are not counted twice)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) / 1_000_000


def frozen_env(home: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "KYODO_DESK_"))}
    env.update(KYODO_DESK_HOME=home, QT_QPA_PLATFORM="offscreen")
    return env


def startup_seconds(exe: Path) -> float:
    """Wall time of the frozen ``--version`` (unpacking nothing: a one-folder bundle starts in place)."""
    with tempfile.TemporaryDirectory() as home:
        best = None
        for _ in range(3):
            started = time.perf_counter()
            result = subprocess.run(
                [str(exe), "--version"], env=frozen_env(home), capture_output=True, text=True, timeout=120
            )
            took = time.perf_counter() - started
            if result.returncode != 0:
                raise SystemExit(f"FAILED: {exe.name} --version exited {result.returncode}\n{result.stderr}")
            best = took if best is None else min(best, took)
        return best or 0.0


def self_test(exe: Path) -> tuple[float, str]:
    with tempfile.TemporaryDirectory() as home:
        started = time.perf_counter()
        result = subprocess.run(
            [str(exe), "--self-test"],
            env=frozen_env(home),
            capture_output=True,
            text=True,
            timeout=600,
            encoding="utf-8",
            errors="replace",
        )
        took = time.perf_counter() - started
        print(result.stdout.rstrip())
        if result.returncode != 0:
            print(result.stderr.rstrip(), file=sys.stderr)
            raise SystemExit(
                f"FAILED: the frozen program's --self-test exited {result.returncode} (see the NG line above)"
            )
    return took, result.stdout


def inno_script(ver: str) -> Path:
    """Per-user Inno Setup script: {localappdata}\\Programs, no admin rights, data folder kept on uninstall."""
    source = DIST / NAME
    text = f"""; Generated by build_installer.py — do not edit.
#define AppName "協働デスク"
#define AppVersion "{ver}"
[Setup]
AppId={INNO_APP_ID}
AppName={{#AppName}}
AppVersion={{#AppVersion}}
AppVerName={{#AppName}} {{#AppVersion}}
AppPublisher=Kanazawa City Civic Activity Support Center
VersionInfoVersion={re.sub(r"[^0-9.]", "", ver) or "0.0.0"}
PrivilegesRequired=lowest
DefaultDirName={{localappdata}}\\Programs\\{NAME}
DefaultGroupName={{#AppName}}
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
CloseApplications=yes
OutputDir={DIST}
OutputBaseFilename={NAME}-{ver}-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={{app}}\\{NAME}.exe
ArchitecturesInstallIn64BitMode=x64compatible

[Languages]
Name: "ja"; MessagesFile: "compiler:Languages\\Japanese.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[Files]
; upgrade in place: files of the old version are replaced, the data folder (%LOCALAPPDATA%\\KanazawaCivicCenter)
; is elsewhere and never touched
Source: "{source}\\*"; DestDir: "{{app}}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
Type: filesandordirs; Name: "{{app}}\\_internal"

[Icons]
Name: "{{userprograms}}\\{{#AppName}}"; Filename: "{{app}}\\{NAME}.exe"
Name: "{{userprograms}}\\{{#AppName}} セルフテスト"; Filename: "{{cmd}}"; Parameters: "/k ""{{app}}\\{CONSOLE_NAME}.exe"" --self-test"

[Run]
Filename: "{{app}}\\{NAME}.exe"; Description: "{{#AppName}} を起動する"; Flags: nowait postinstall skipifsilent

; [UninstallDelete] deliberately absent: the database, backups and logs in the data folder stay.
"""
    path = DIST / f"{NAME}.iss"
    path.write_text(text, encoding="utf-8-sig")  # Inno Setup reads UTF-8 with a BOM
    return path


def find_iscc() -> str | None:
    found = shutil.which("ISCC") or shutil.which("iscc")
    if found:
        return found
    for base in (os.environ.get("ProgramFiles(x86)"), os.environ.get("ProgramFiles"), os.environ.get("LOCALAPPDATA")):
        if base:
            for candidate in Path(base).glob("*/Inno Setup 6/ISCC.exe"):
                return str(candidate)
            candidate = Path(base) / "Inno Setup 6" / "ISCC.exe"
            if candidate.exists():
                return str(candidate)
    return None


def tarball(ver: str) -> Path:
    arch = platform.machine().lower() or "x86_64"
    path = DIST / f"{NAME}-{ver}-linux-{arch}.tar.gz"
    with tarfile.open(path, "w:gz", compresslevel=6) as tar:
        tar.add(DIST / NAME, arcname=NAME)
    return path


def main(argv: list[str] | None = None) -> int:
    global DIST, STAGE
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--console", action="store_true", help="keep a console window on Windows (the batch commands print to it)"
    )
    parser.add_argument("--skip-self-test", action="store_true", help="do not run the frozen program's --self-test")
    parser.add_argument("--no-package", action="store_true", help="stop after the folder (no installer, no .tar.gz)")
    parser.add_argument("--dist", type=Path, default=DIST, help="output folder (default: dist/)")
    parser.add_argument("--build", type=Path, default=STAGE, help="work folder (default: build/installer/)")
    args = parser.parse_args(argv)
    DIST, STAGE = args.dist.resolve(), args.build.resolve()
    ver = version()
    started = time.perf_counter()
    if STAGE.exists():
        shutil.rmtree(STAGE)
    STAGE.mkdir(parents=True)
    compile_catalogs(STAGE / "locale")
    spec = write_spec(console=args.console or sys.platform != "win32")
    exe = run_pyinstaller(spec)
    console_exe = exe.with_name(CONSOLE_NAME + ".exe")
    if sys.platform == "win32" and console_exe.exists():
        exe = console_exe  # a windowed program has no stdout to read the self-test from
    check_libraries(DIST / NAME)
    size = folder_mb(DIST / NAME)
    print(f"bundle: {DIST / NAME}  {size:.1f} MB (limit {MAX_BUNDLE_MB} MB)")
    if size > MAX_BUNDLE_MB:
        raise SystemExit(f"FAILED: the bundle is {size:.1f} MB, over the {MAX_BUNDLE_MB} MB limit")
    print(f"frozen start-up (--version): {startup_seconds(exe):.2f} s")
    if not args.skip_self_test:
        took, output = self_test(exe)
        window = re.search(r"^OK 5\.[^(]*\(([0-9.]+) s\)", output, re.MULTILINE)
        opened = f"; main window opened in {window.group(1)} s" if window else ""
        print(f"frozen self-test passed in {took:.1f} s{opened}")
    if not args.no_package:
        if sys.platform == "win32":
            iss = inno_script(ver)
            iscc = find_iscc()
            if iscc:
                subprocess.run([iscc, "/Q", str(iss)], check=True)
                print(f"installer: {DIST / f'{NAME}-{ver}-setup.exe'}")
            else:
                print(f"Inno Setup script: {iss} (ISCC.exe not found: install Inno Setup 6 to compile it)")
        else:
            archive = tarball(ver)
            print(f"archive: {archive}  {archive.stat().st_size / 1_000_000:.1f} MB")
    print(f"build_installer.py finished in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
