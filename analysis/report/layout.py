"""Page helpers shared by every part of the report: fonts, paragraph styles, headings, tables,
figures, number formats and the :class:`PageContext` that the page modules in
:mod:`analysis.report.pages` receive from :func:`analysis.report.document.write_report`.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape as _xml_escape

import matplotlib
import pandas as pd
from matplotlib.figure import Figure
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm, inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Image, Paragraph, Table, TableStyle

from analysis.report import plots

logger = logging.getLogger(__name__)

MARGIN = 2 * cm
PORTRAIT = A4
LANDSCAPE = landscape(A4)

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"
FONT_BOLD_ITALIC = "DejaVuSans-BoldOblique"


def register_fonts() -> tuple[str, str]:
    """Register DejaVu Sans (bundled with matplotlib) with reportlab; returns (regular, bold).

    DejaVu has every glyph the report needs (ä ö ü ß, „“ »« ‚‘, −, ←→); reportlab's built-in
    Helvetica lacks some of them, so it is only the fallback when the TTF files are missing.
    """
    if FONT in pdfmetrics.getRegisteredFontNames():
        return FONT, FONT_BOLD
    font_dir = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    files = {
        FONT: "DejaVuSans.ttf",
        FONT_BOLD: "DejaVuSans-Bold.ttf",
        FONT_ITALIC: "DejaVuSans-Oblique.ttf",
        FONT_BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
    }
    try:
        for name, file in files.items():
            pdfmetrics.registerFont(TTFont(name, str(font_dir / file)))
    except Exception as exc:  # pragma: no cover - matplotlib always ships DejaVu
        logger.warning("DejaVu fonts not found in %s (%s); falling back to Helvetica", font_dir, exc)
        return "Helvetica", "Helvetica-Bold"
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC
    )
    return FONT, FONT_BOLD


def paragraph_styles(regular: str, bold: str) -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=13, spaceAfter=5, alignment=TA_LEFT)
    return {
        "title": ParagraphStyle("title", parent=body, fontName=bold, fontSize=20, leading=25, spaceAfter=6),
        "subtitle": ParagraphStyle("subtitle", parent=body, fontSize=10.5, leading=14, textColor=colors.HexColor("#444444"), spaceAfter=8),
        "h1": ParagraphStyle("h1", parent=body, fontName=bold, fontSize=14, leading=18, spaceBefore=0, spaceAfter=6),
        "h2": ParagraphStyle("h2", parent=body, fontName=bold, fontSize=11.5, leading=15, spaceBefore=8, spaceAfter=3),
        "h3": ParagraphStyle("h3", parent=body, fontName=bold, fontSize=10, leading=13, spaceBefore=8, spaceAfter=2),
        "body": body,
        "finding": ParagraphStyle(
            "finding", parent=body, fontSize=10.5, leading=14.5, backColor=colors.HexColor("#f3f6fa"),
            borderPadding=(5, 6, 5, 6), spaceBefore=4, spaceAfter=10,
        ),
        "small": ParagraphStyle("small", parent=body, fontSize=8.5, leading=11, textColor=colors.HexColor("#333333")),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5, spaceAfter=0),
        "cell_right": ParagraphStyle("cell_right", parent=body, fontSize=8.5, leading=10.5, spaceAfter=0, alignment=TA_RIGHT),
        "kwic": ParagraphStyle("kwic", parent=body, fontSize=8, leading=10, spaceAfter=0),
        "kwic_right": ParagraphStyle("kwic_right", parent=body, fontSize=8, leading=10, spaceAfter=0, alignment=TA_RIGHT),
        "kwic_outlet": ParagraphStyle("kwic_outlet", parent=body, fontSize=8.5, leading=11, spaceBefore=4, spaceAfter=1, textColor=colors.HexColor("#222222")),
    }


def escape_markup(value: object) -> str:
    """Make ``value`` safe inside reportlab paragraph markup: escape ``& < >``, flatten newlines.

    None and NaN become the empty string.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = str(value).replace("\r", " ").replace("\n", " ").replace("\t", " ")
    return _xml_escape(text)


def heading(text: str, style: ParagraphStyle, *, outline: str | None = None, level: int = 0) -> Paragraph:
    paragraph = Paragraph(text, style)
    paragraph._bookmark = (outline, level) if outline else None
    return paragraph


def table(rows: list[list], widths: list[float], *, header: bool = True, zebra: bool = True,
           right_align_from: int | None = None, font: str, bold: str) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
    style = [
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("LINEBELOW", (0, -1), (-1, -1), 0.5, colors.HexColor("#999999")),
    ]
    if header:
        style += [
            ("FONTNAME", (0, 0), (-1, 0), bold),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor("#333333")),
            ("LINEABOVE", (0, 0), (-1, 0), 0.8, colors.HexColor("#333333")),
        ]
    if zebra:
        for r in range(1 if header else 0, len(rows)):
            if (r - (1 if header else 0)) % 2 == 1:
                style.append(("BACKGROUND", (0, r), (-1, r), colors.HexColor("#f4f4f4")))
    if right_align_from is not None:
        style.append(("ALIGN", (right_align_from, 0), (-1, -1), "RIGHT"))
    table.setStyle(TableStyle(style))
    return table


def image(path: Path, size_in: tuple[float, float], max_width: float, max_height: float) -> Image:
    """The PNG at its natural size (so figure fonts print at their point size), shrunk only to fit."""
    width, height = size_in[0] * inch, size_in[1] * inch
    scale = min(1.0, max_width / width, max_height / height)
    if scale < 0.97:
        logger.warning("figure %s scaled to %.0f%% to fit the page; its text prints below 8 pt", path.name, scale * 100)
    image = Image(str(path), width=width * scale, height=height * scale)
    image.hAlign = "CENTER"
    return image


@dataclass(frozen=True)
class PageContext:
    """What a page module (``report_reliability``, ``report_keyness``, ``report_classify``) needs
    from the report being written: the outlets in order with their colours, article counts and
    small-sample flags, the paragraph styles and fonts, the portrait text area (points), and
    ``save``, which writes a figure to ``figures/`` and returns its path and size in inches.
    The modules draw with :func:`heading`, :func:`table`, :func:`image` and :func:`escape_markup`.
    """

    outlet_order: list[str]
    palette: dict[str, str]
    styles: dict[str, ParagraphStyle]
    save: Callable[[Figure, str], tuple[Path, tuple[float, float]]]
    small_sample: dict[str, bool]
    n_articles: dict[str, int]
    regular: str
    bold: str
    portrait_w: float = PORTRAIT[0] - 2 * MARGIN
    portrait_h: float = PORTRAIT[1] - 2 * MARGIN

    @classmethod
    def create(cls, save, outlet_order: Sequence[str], *, small_sample: Mapping[str, bool],
               n_articles: Mapping[str, int]) -> "PageContext":
        """A context with the report's fonts, styles and outlet palette (pages built outside :func:`write_report`)."""
        regular, bold = register_fonts()
        return cls(list(outlet_order), plots.outlet_palette(list(outlet_order)), paragraph_styles(regular, bold), save,
                   dict(small_sample), dict(n_articles), regular, bold)


def fmt_int(value: float | int) -> str:
    return "–" if pd.isna(value) else f"{int(value):,}"
