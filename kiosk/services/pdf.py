"""PDF reports a principal prints or files: the visit log and the exceptions digest.

Built with reportlab's platypus. Names are set in DejaVu Sans when the
system has it (Debian's fonts-dejavu-core), because it covers accented and
non-Latin names. Without it the PDF falls back to Helvetica, which covers
Latin-1 only.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from kiosk.services.digest import Digest
from kiosk.services.export import ReportScope, summary_counts
from kiosk.services.plurals import counted
from kiosk.services.reports import VisitRow

logger = logging.getLogger(__name__)

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
HEADER_FILL = colors.HexColor("#dfe6ee")
STRIPE_FILL = colors.HexColor("#f4f6f8")
CONFIDENTIAL_NOTE = (
    "CONFIDENTIAL: includes background-check refusal reasons. "
    "Keep in the principal's file; do not share."
)


def _register_fonts() -> tuple[str, str]:
    """Return the regular and bold font names, registering DejaVu Sans if found."""
    if "DejaVuSans" in pdfmetrics.getRegisteredFontNames():
        return "DejaVuSans", "DejaVuSans-Bold"
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
            pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
            return "DejaVuSans", "DejaVuSans-Bold"
    logger.warning("DejaVu Sans not found; PDF names outside Latin-1 will not show")
    return "Helvetica", "Helvetica-Bold"


class _Styles:
    def __init__(self) -> None:
        self.font, self.bold = _register_fonts()
        base = getSampleStyleSheet()
        self.title = ParagraphStyle(
            "title", parent=base["Title"], fontName=self.bold, fontSize=16, spaceAfter=4
        )
        self.heading = ParagraphStyle(
            "heading",
            parent=base["Heading2"],
            fontName=self.bold,
            fontSize=12,
            spaceBefore=10,
            spaceAfter=4,
        )
        self.body = ParagraphStyle(
            "body", parent=base["BodyText"], fontName=self.font, fontSize=9, leading=11
        )
        self.cell = ParagraphStyle(
            "cell", parent=self.body, fontSize=7.5, leading=9, spaceAfter=0
        )
        self.cell_bold = ParagraphStyle(
            "cell_bold", parent=self.cell, fontName=self.bold
        )
        self.warning = ParagraphStyle(
            "warning", parent=self.body, fontName=self.bold, textColor=colors.darkred
        )


def _para(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def _table(
    header: list[str],
    body: list[list[str]],
    widths: list[float],
    styles: _Styles,
) -> Table:
    data = [[_para(cell, styles.cell_bold) for cell in header]]
    data += [[_para(cell, styles.cell) for cell in line] for line in body]
    table = Table(data, colWidths=widths, repeatRows=1)
    commands = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
        ("LINEBELOW", (0, -1), (-1, -1), 0.3, colors.grey),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    commands += [
        ("BACKGROUND", (0, i), (-1, i), STRIPE_FILL) for i in range(2, len(data), 2)
    ]
    table.setStyle(TableStyle(commands))
    return table


def _numbered_canvas(
    footer: Callable[[Canvas, int, int], None],
) -> type[Canvas]:
    """Return a canvas class that draws ``footer`` with "page N of M" on every page."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                footer(self, number, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def _footer_painter(
    scope: ReportScope, styles: _Styles, title: str
) -> Callable[[Canvas, int, int], None]:
    prepared = (
        f"prepared for {scope.prepared_for}"
        if scope.prepared_for
        else ("prepared without a principal sign-in; confidential reasons left out")
    )
    generated = f"Generated {scope.generated_at:%Y-%m-%d %H:%M %Z}, {prepared}"

    def paint(canvas: Canvas, number: int, total: int) -> None:
        width, height = canvas._pagesize
        canvas.saveState()
        canvas.setFont(styles.font, 7.5)
        canvas.setFillColor(colors.grey)
        canvas.drawString(
            0.5 * inch, height - 0.4 * inch, f"{scope.school_name} · {title}"
        )
        canvas.drawRightString(width - 0.5 * inch, height - 0.4 * inch, scope.period)
        canvas.drawString(0.5 * inch, 0.35 * inch, generated)
        canvas.drawRightString(
            width - 0.5 * inch, 0.35 * inch, f"Page {number} of {total}"
        )
        if scope.confidential:
            canvas.setFillColor(colors.darkred)
            canvas.setFont(styles.bold, 7.5)
            canvas.drawCentredString(width / 2, 0.52 * inch, CONFIDENTIAL_NOTE)
        canvas.restoreState()

    return paint


def _bar_chart(
    labels: list[str],
    series: list[list[int]],
    names: list[str],
    title: str,
    styles: _Styles,
    width: float,
) -> Drawing:
    height = 1.9 * inch
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 30, 22
    chart.width, chart.height = width - 50, height - 50
    chart.data = series
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.labels.fontName = styles.font
    chart.categoryAxis.labels.fontSize = 6.5
    chart.valueAxis.labels.fontName = styles.font
    chart.valueAxis.labels.fontSize = 6.5
    chart.valueAxis.valueMin = 0
    top = max((max(values) for values in series if values), default=0)
    chart.valueAxis.valueMax = max(top, 1)
    chart.valueAxis.valueStep = max(1, -(-top // 5))
    palette = [colors.HexColor("#3b6ea5"), colors.HexColor("#c0504d")]
    for index in range(len(series)):
        chart.bars[index].fillColor = palette[index % len(palette)]
        chart.bars[index].strokeColor = None
    drawing.add(chart)
    drawing.add(String(30, height - 14, title, fontName=styles.bold, fontSize=9))
    for index, name in enumerate(names):
        drawing.add(
            String(
                width - 170 + index * 85,
                height - 14,
                f"■ {name}",
                fontName=styles.font,
                fontSize=8,
                fillColor=palette[index % len(palette)],
            )
        )
    return drawing


MAX_DAY_LABELS = 31
"""Most day names a chart's axis shows; longer ranges label every n-th day."""


def _day_labels(days: list[str]) -> list[str]:
    step = -(-len(days) // MAX_DAY_LABELS)
    return [
        f"{date.fromisoformat(day):%a %d}" if index % step == 0 else ""
        for index, day in enumerate(days)
    ]


def _summary_table(rows: list[VisitRow], styles: _Styles) -> Table:
    counts = summary_counts(rows)
    header = [
        "Visits",
        "People",
        "Refusals",
        "Overrides",
        "Not signed out",
        "Still in building",
    ]
    body = [
        [
            str(counts["visits"]),
            str(counts["people"]),
            str(counts["refusals"]),
            str(counts["overrides"]),
            str(counts["not_signed_out"]),
            str(counts["in_building"]),
        ]
    ]
    return _table(header, body, [1.2 * inch] * 6, styles)


VISIT_COLUMNS = [
    ("Person", 1.45),
    ("Organization", 1.45),
    ("Role", 0.75),
    ("In", 0.5),
    ("Out", 0.5),
    ("Length", 0.6),
    ("Destination", 0.95),
    ("How signed out", 1.35),
    ("Outcome and reasons", 2.45),
]
"""Columns of the day tables and their widths in inches (landscape Letter has 10)."""


def _visit_line(row: VisitRow) -> list[str]:
    outcome = row.outcome_text
    if row.reasons_text:
        outcome += f": {row.reasons_text}"
    return [
        row.person,
        row.organization,
        row.role,
        row.clock_in,
        row.clock_out,
        row.length_text,
        row.destination,
        row.how_signed_out,
        outcome,
    ]


def _day_section(day: str, rows: list[VisitRow], styles: _Styles) -> list:
    counts = summary_counts(rows)
    heading = (
        f"{date.fromisoformat(day):%A %d %B %Y}: {counted(counts['visits'], 'visit')}, "
        f"{counted(counts['refusals'], 'refusal')}, "
        f"{counts['not_signed_out']} not signed out"
    )
    widths = dict(VISIT_COLUMNS)
    if any(row.in_zone or row.out_zone for row in rows):
        # Times carry a zone abbreviation ("01:30 CDT") on a day the clocks
        # change; give them room for it on one line.
        widths["In"] = widths["Out"] = 0.75
        widths["Outcome and reasons"] -= 0.5
    table = _table(
        [name for name, _ in VISIT_COLUMNS],
        [_visit_line(row) for row in rows],
        [width * inch for width in widths.values()],
        styles,
    )
    return [_para(heading, styles.heading), table]


def _exception_sections(rows: list[VisitRow], styles: _Styles) -> list:
    story: list = []
    refusals = [row for row in rows if row.refused_at_kiosk]
    overrides = [row for row in rows if row.overridden]
    open_ended = [row for row in rows if row.outcome == "not_signed_out"]
    if refusals:
        story.append(_para("Refusals", styles.heading))
        story.append(
            _table(
                ["Date", "Time", "Person", "Organization", "Reasons", "Desk"],
                [
                    [
                        row.day,
                        row.clock_in,
                        row.person,
                        row.organization,
                        row.reasons_text,
                        "overridden" if row.overridden else row.alert_status,
                    ]
                    for row in refusals
                ],
                [w * inch for w in (0.8, 0.5, 1.6, 1.6, 4.0, 1.5)],
                styles,
            )
        )
    if overrides:
        story.append(_para("Overrides", styles.heading))
        story.append(
            _table(
                ["Date", "Person", "Refused for", "Overridden by", "At", "Why"],
                [
                    [
                        row.day,
                        row.person,
                        row.reasons_text,
                        row.override_by,
                        (row.overridden_at or "")[11:16],
                        row.override_reason,
                    ]
                    for row in overrides
                ],
                [w * inch for w in (0.8, 1.5, 2.3, 1.3, 0.5, 3.6)],
                styles,
            )
        )
    if open_ended:
        story.append(_para("Not signed out", styles.heading))
        story.append(
            _table(
                ["Date", "Person", "Organization", "In", "Time out recorded", "Note"],
                [
                    [
                        row.day,
                        row.person,
                        row.organization,
                        row.clock_in,
                        f"{row.clock_out} by {row.signed_out_by}"
                        if row.time_out
                        else "not yet",
                        row.sign_out_note,
                    ]
                    for row in open_ended
                ],
                [w * inch for w in (0.8, 1.6, 1.6, 0.5, 1.6, 3.9)],
                styles,
            )
        )
    return story


def _build(story: list, pagesize: tuple[float, float], paint) -> bytes:  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=0.5 * inch,
        rightMargin=0.5 * inch,
        topMargin=0.6 * inch,
        bottomMargin=0.75 * inch,
    )
    document.build(story, canvasmaker=_numbered_canvas(paint))
    return buffer.getvalue()


def report_pdf(rows: list[VisitRow], scope: ReportScope) -> bytes:
    """Return the visit log of ``scope`` as a landscape Letter PDF."""
    from kiosk.services.activity import arrivals_per_hour, visits_per_organization

    styles = _Styles()
    width = landscape(letter)[0] - inch
    story: list = [
        _para(f"Visit log: {scope.school_name}", styles.title),
        _para(f"{scope.period}", styles.body),
        Spacer(1, 6),
        _summary_table(rows, styles),
        Spacer(1, 8),
    ]
    if scope.first == scope.last:
        hours = arrivals_per_hour(rows, scope.zone)
        if hours:
            story.append(
                _bar_chart(
                    [hour for hour, _, _ in hours],
                    [[a for _, a, _ in hours], [r for _, _, r in hours]],
                    ["signed in", "refused"],
                    "Arrivals per hour",
                    styles,
                    width,
                )
            )
    else:
        # Every day of the range, so a day without visits shows as a zero.
        days = [
            (scope.first + timedelta(days=n)).isoformat()
            for n in range((scope.last - scope.first).days + 1)
        ]
        per_org = visits_per_organization(rows)
        if days:
            totals = [sum(counts.get(day, 0) for _, counts in per_org) for day in days]
            story.append(
                _bar_chart(
                    _day_labels(days),
                    [totals],
                    ["visits"],
                    "Visits per day",
                    styles,
                    width,
                )
            )
        if per_org:
            story.append(_para("Visits per organization", styles.heading))
            story.append(
                _table(
                    [
                        "Organization",
                        *[f"{date.fromisoformat(d):%a %d}" for d in days],
                        "Total",
                    ],
                    [
                        [
                            name,
                            *[str(counts.get(day, 0)) for day in days],
                            str(sum(counts.values())),
                        ]
                        for name, counts in per_org
                    ],
                    [2.6 * inch]
                    + [min(0.7, 6.4 / max(len(days), 1)) * inch] * len(days)
                    + [0.6 * inch],
                    styles,
                )
            )
    if not rows:
        story.append(_para("No visits in this period.", styles.body))
    by_day: dict[str, list[VisitRow]] = {}
    for row in rows:
        by_day.setdefault(row.day, []).append(row)
    for day, day_rows in by_day.items():
        story.extend(_day_section(day, day_rows, styles))
    extra = _exception_sections(rows, styles)
    if extra:
        story.append(PageBreak())
        story.extend(extra)
    return _build(story, landscape(letter), _footer_painter(scope, styles, "Visit log"))


def digest_pdf(digest: Digest, scope: ReportScope) -> bytes:
    """Return the exceptions digest as a one-page portrait Letter PDF."""
    styles = _Styles()
    story: list = [
        _para(f"Needs your attention: {scope.school_name}", styles.title),
        _para(
            f"{digest.day:%A %d %B %Y}. {counted(digest.item_count, 'item')}.",
            styles.body,
        ),
    ]

    def section(title: str, header: list[str], body: list[list[str]], widths) -> None:  # type: ignore[no-untyped-def]
        story.append(_para(f"{title} ({len(body)})", styles.heading))
        if not body:
            story.append(_para("None.", styles.body))
            return
        story.append(_table(header, body, [w * inch for w in widths], styles))

    section(
        "Overrides",
        ["Time", "Person", "Refused for", "By", "Why"],
        [
            [
                row.clock_in,
                row.person,
                row.reasons_text,
                row.override_by,
                row.override_reason,
            ]
            for row in digest.overrides
        ],
        (0.5, 1.4, 2.0, 1.1, 2.5),
    )
    section(
        "Refusals",
        ["Time", "Person", "Organization", "Reasons"],
        [
            [row.clock_in, row.person, row.organization, row.reasons_text]
            for row in digest.refusals
        ],
        (0.5, 1.6, 1.8, 3.6),
    )
    section(
        "Not signed out, time out not yet recorded",
        ["Date", "In", "Person", "Organization"],
        [
            [row.day, row.clock_in, row.person, row.organization]
            for row in digest.not_signed_out
        ],
        (0.9, 0.5, 3.0, 3.1),
    )
    section(
        "Visits far longer than usual",
        ["Person", "In", "Out", "Length", "Usual"],
        [
            [
                item.row.person,
                item.row.clock_in,
                item.row.clock_out,
                item.row.length_text,
                f"{item.usual_minutes // 60}h{item.usual_minutes % 60:02d} "
                f"({'their own' if item.basis == 'person' else 'school'} median)",
            ]
            for item in digest.long_visits
        ],
        (2.4, 0.6, 0.6, 0.8, 3.1),
    )
    section(
        f"Ending within {digest.window_days} days",
        ["Ends", "What", "Organization", "Person"],
        [
            [
                f"{item.ends_on.isoformat()} ({item.days_left} d)",
                "agreement" if item.kind == "agreement" else "background check",
                item.organization,
                item.person,
            ]
            for item in digest.expiring
        ],
        (1.3, 1.3, 2.5, 2.4),
    )
    return _build(
        story,
        letter,
        _footer_painter(scope, styles, "Exceptions digest"),
    )
