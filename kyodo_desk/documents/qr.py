"""QR codes as vector rectangles (sharp at any printer resolution, tiny in the PDF).

The module matrix comes from the ``qrcode`` package; the dark modules are merged into horizontal
runs and filled as ONE path, so viewers and printers show no hairline seams between modules.
Reusable for device labels: :func:`draw_qr` draws at any position and size on a canvas.
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.platypus import Flowable

_LEVELS = {"L": 1, "M": 0, "Q": 3, "H": 2}  # qrcode.constants.ERROR_CORRECT_*


def qr_matrix(data: str, error_correction: str = "M") -> list[list[bool]]:
    """Module matrix of *data* without quiet zone (True = dark). *error_correction*: L, M, Q or H."""
    import qrcode

    level = error_correction.upper()
    if level not in _LEVELS:
        raise ValueError(f"error correction must be one of L, M, Q, H (got {error_correction!r})")
    code = qrcode.QRCode(error_correction=_LEVELS[level], border=0, box_size=1)
    code.add_data(data)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


def modules_with_quiet_zone(matrix: list[list[bool]], quiet_zone: int) -> int:
    return len(matrix) + 2 * quiet_zone


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
) -> float:
    """Draw a QR code whose lower-left corner (quiet zone included) is (*x*, *y*) and side is *size* pt.

    Returns the module size in points (keep it ≥ 0.5 mm for phone cameras).
    """
    matrix = qr_matrix(data, error_correction)
    count = modules_with_quiet_zone(matrix, quiet_zone)
    module = size / count
    canvas.saveState()
    if background:
        canvas.setFillColor(colors.white)
        canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(colors.black)
    path = canvas.beginPath()
    n = len(matrix)
    for r, row in enumerate(matrix):
        top = y + size - (quiet_zone + r) * module
        c = 0
        while c < n:
            if not row[c]:
                c += 1
                continue
            start = c
            while c < n and row[c]:
                c += 1
            path.rect(x + (quiet_zone + start) * module, top - module, (c - start) * module, module)
    canvas.drawPath(path, stroke=0, fill=1)
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
