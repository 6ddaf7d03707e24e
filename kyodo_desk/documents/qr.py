"""QR codes as vector rectangles (sharp at any printer resolution, tiny in the PDF).

The module matrix comes from the ``qrcode`` package; the dark modules are merged into horizontal
runs and filled as ONE path, so viewers and printers show no hairline seams between modules.
Reusable for device labels: :func:`draw_qr` draws at any position and size on a canvas.
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.platypus import Flowable

_LEVELS = {"L": 1, "M": 0, "Q": 3, "H": 2}  # qrcode.constants.ERROR_CORRECT_*


LABEL_MASK = 3  # the mask qrcode's search picks most often for asset tags at Q/H (see draw_qr)


def qr_matrix(data: str, error_correction: str = "M", *, mask_pattern: int | None = None) -> list[list[bool]]:
    """Module matrix of *data* without quiet zone (True = dark). *error_correction*: L, M, Q or H.

    *mask_pattern* None lets qrcode try all 8 masks and keep the one with the fewest penalty points
    (about 85% of the time of a short code); 0–7 uses that mask (every mask is a valid code)."""
    import qrcode

    level = error_correction.upper()
    if level not in _LEVELS:
        raise ValueError(f"error correction must be one of L, M, Q, H (got {error_correction!r})")
    code = qrcode.QRCode(error_correction=_LEVELS[level], border=0, box_size=1, mask_pattern=mask_pattern)
    code.add_data(data)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


def modules_with_quiet_zone(matrix: list[list[bool]], quiet_zone: int) -> int:
    return len(matrix) + 2 * quiet_zone


def dark_rectangles(matrix: list[list[bool]]) -> list[tuple[int, int, int, int]]:
    """The dark modules as (column, row, width, height) rectangles: horizontal runs, each merged
    with the identical runs of the rows below it."""
    out = []
    open_runs: dict[tuple[int, int], int] = {}  # (start, end) → first row
    n = len(matrix)
    for r in range(n + 1):
        runs = set()
        if r < n:
            row = matrix[r]
            c = 0
            while c < n:
                if row[c]:
                    start = c
                    while c < n and row[c]:
                        c += 1
                    runs.add((start, c))
                else:
                    c += 1
        for run in list(open_runs):
            if run not in runs:
                first = open_runs.pop(run)
                out.append((run[0], first, run[1] - run[0], r - first))
        for run in runs:
            open_runs.setdefault(run, r)
    return out


def draw_qr(
    canvas,
    data: str,
    x: float,
    y: float,
    size: float,
    *,
    error_correction: str = "M",
    quiet_zone: int = 4,
    background: bool = True,
    mask_pattern: int | None = None,
) -> float:
    """Draw a QR code whose lower-left corner (quiet zone included) is (*x*, *y*) and side is *size* pt.

    Returns the module size in points (keep it ≥ 0.5 mm for phone cameras).  The dark modules are
    written as ONE filled path of rectangles straight into the page (formatting each number through
    ReportLab's path object cost more than making the code).
    """
    matrix = qr_matrix(data, error_correction, mask_pattern=mask_pattern)
    count = modules_with_quiet_zone(matrix, quiet_zone)
    module = size / count
    canvas.saveState()
    if background:
        canvas.setFillColor(colors.white)
        canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(colors.black)
    top = y + size - quiet_zone * module
    left = x + quiet_zone * module
    ops = [
        f"{left + c * module:.3f} {top - (r + h) * module:.3f} {w * module:.3f} {h * module:.3f} re"
        for c, r, w, h in dark_rectangles(matrix)
    ]
    if ops:
        canvas.addLiteral("\n".join(ops) + "\nf")
    canvas.restoreState()
    return module


class QRCodeFlowable(Flowable):
    """A QR code of *size* points (quiet zone included) in a platypus story."""

    def __init__(
        self, data: str, size: float, *, error_correction: str = "M", quiet_zone: int = 4, h_align: str = "CENTER"
    ):
        super().__init__()
        self.data = data
        self.size = size
        self.error_correction = error_correction
        self.quiet_zone = quiet_zone
        self.hAlign = h_align

    def wrap(self, availWidth, availHeight):  # noqa: N803 - ReportLab's names
        return self.size, self.size

    def draw(self):
        draw_qr(
            self.canv, self.data, 0, 0, self.size, error_correction=self.error_correction, quiet_zone=self.quiet_zone
        )
