"""A printable A4 poster for one session: title, date and time in words, place, "Gratuit",
a QR code per chat app that is set up (Telegram, WhatsApp) and the code to send by SMS;
drawn as a PNG (Pillow) and as a PDF (fpdf2)."""

from __future__ import annotations

import functools
import io
import logging
import unicodedata
from collections.abc import Sequence
from dataclasses import astuple, dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from PIL import Image, ImageDraw, ImageFont

from bot.web.poster_channels import QrLink
from bot.web.qr import qr_image
from bot.web.rendering import french
from core.formatting import duration_in_words, when_in_words
from models import Venue, WorkshopSession

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
REGULAR, BOLD = "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"
INK, BAND, ACCENT = (20, 20, 20), (31, 58, 95), (255, 121, 0)
PNG_SIZE = (1240, 1754)  # A4 at 150 dpi
MARGIN = 90
PLAIN_SIGNS = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
        "\u0153": "oe",
        "\u0152": "OE",
        "\u00a0": " ",
        "\u202f": " ",
    }
)

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PosterText:
    """What the poster says, in French."""

    heading: str
    title: str
    when: str
    duration: str
    venue: str
    address: str
    price: str
    call_to_action: str
    link: str
    desk: str
    sms: str = ""
    """'Ou par SMS : envoyez ATELIER 12 au 07 00 00 00 00', when SMS is set up."""
    phone: str = ""
    """'Ou appelez le 03 87 00 00 00', on a venue's poster when the phone line is on."""
    access: str = ""
    """'Pour nous trouver : ...', on a venue's poster, under the address."""

    @property
    def extra_lines(self) -> int:
        """How many of the SMS and phone lines there are (the QR code makes room for them)."""
        return bool(self.sms) + bool(self.phone)


def poster_text(
    workshop: WorkshopSession,
    link: str,
    zone: ZoneInfo,
    *,
    sms: str = "",
    several_codes: bool = False,
) -> PosterText:
    """The poster's words: the session's own, and the fixed ones of the catalogs.

    ``link`` is printed under a single QR code (with several, each has its app's name).
    """
    t = french()
    return PosterText(
        heading=t("dashboard.poster_words.heading"),
        title=workshop.title,
        when=t("dashboard.poster_words.when", when=when_in_words(workshop.starts_at, zone, t)),
        duration=t(
            "dashboard.poster_words.duration",
            duration=duration_in_words(workshop.duration_minutes, t),
        ),
        venue=workshop.venue,
        address=workshop.address,
        price=t("dashboard.poster_words.price"),
        call_to_action=t(
            "dashboard.poster_words.several_codes"
            if several_codes
            else "dashboard.poster_words.call_to_action"
        ),
        link=t("dashboard.poster_words.link", link=link.removeprefix("https://")) if link else "",
        desk=t("dashboard.poster_words.desk"),
        sms=sms,
    )


def venue_poster_text(venue: Venue, link: str, *, sms: str = "", phone: str = "") -> PosterText:
    """A venue's poster words: free workshops at that place, its address and access notes,
    no date (it stays on the wall); the QR code opens on that town's sessions."""
    t = french()
    return PosterText(
        heading=t("dashboard.venue_poster_words.heading"),
        title=t("dashboard.venue_poster_words.title", place=venue.town or venue.name),
        when=t("dashboard.venue_poster_words.what"),
        duration="",
        venue=venue.name,
        address=venue.address,
        price=t("dashboard.poster_words.price"),
        call_to_action=t("dashboard.venue_poster_words.call_to_action"),
        link=t("dashboard.poster_words.link", link=link.removeprefix("https://")) if link else "",
        desk=t("dashboard.poster_words.desk"),
        sms=sms,
        phone=phone,
        access=t("dashboard.venue_poster_words.access", access=venue.access)
        if venue.access
        else "",
    )


def _links(links: str | Sequence[QrLink]) -> list[QrLink]:
    return [QrLink("", links)] if isinstance(links, str) else list(links)


@functools.cache
def font_file(name: str) -> Path | None:
    """A DejaVu font of the system (Debian's fonts-dejavu-core), if there is one."""
    found = next((folder / name for folder in FONT_DIRS if (folder / name).is_file()), None)
    if found is None:
        log.warning(
            "poster font %s not found (install fonts-dejavu-core): accents simplified", name
        )
    return found


def simplified(text: str, *, keep_latin1: bool) -> str:
    """Text a built-in font can draw: typographic signs made plain, then Latin-1 kept
    (the PDF's Helvetica) or accents dropped (Pillow's default font)."""
    text = text.translate(PLAIN_SIGNS)
    if keep_latin1:
        return text.encode("latin-1", "ignore").decode("latin-1")
    folded = unicodedata.normalize("NFKD", text)
    return (
        "".join(c for c in folded if not unicodedata.combining(c))
        .encode("ascii", "ignore")
        .decode()
    )


def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A DejaVu font, else Pillow's built-in one (which draws ASCII only)."""
    path = font_file(BOLD if bold else REGULAR)
    return ImageFont.load_default(size) if path is None else ImageFont.truetype(str(path), size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: object, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(candidate, font=font) <= width:  # type: ignore[arg-type]
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def render_png(text: PosterText, links: str | Sequence[QrLink]) -> bytes:
    """The poster as an A4 PNG at 150 dpi: one large QR code, or two side by side."""
    if font_file(REGULAR) is None or font_file(BOLD) is None:
        text = PosterText(*(simplified(v, keep_latin1=False) for v in astuple(text)))
    width, height = PNG_SIZE
    page = Image.new("RGB", PNG_SIZE, "white")
    draw = ImageDraw.Draw(page)
    draw.rectangle((0, 0, width, 170), fill=BAND)
    y = _centred(draw, text.heading, _font(True, 60), 50, width, fill="white")
    y = 230
    y = _centred(draw, text.title, _font(True, 76), y, width, max_lines=3) + 30
    y = _centred(draw, text.when, _font(False, 50), y, width, max_lines=2) + 4
    y = _centred(draw, text.duration, _font(False, 38), y, width, max_lines=2) + 26
    y = _centred(draw, text.venue, _font(True, 42), y, width)
    y = _centred(draw, text.address, _font(False, 34), y, width, max_lines=2)
    y = _centred(draw, text.access, _font(False, 34), y, width, max_lines=2) + 30
    price_font = _font(True, 64)
    box = draw.textbbox((0, 0), text.price, font=price_font)
    box_width = box[2] - box[0] + 80
    left = (width - box_width) // 2
    draw.rounded_rectangle((left, y, left + box_width, y + 100), radius=24, fill=ACCENT)
    _centred(draw, text.price, price_font, y + 14, width, fill=INK)
    y += 130
    codes = _links(links)
    if len(codes) <= 1:
        if codes:
            code = qr_image(codes[0].url, (580, 520, 440)[text.extra_lines])
            page.paste(code, ((width - code.width) // 2, y))
            y += code.width + 16
    else:
        size, gap = (width - 2 * MARGIN - 40) // 2, 40
        for index, link in enumerate(codes[:2]):
            left = MARGIN + index * (size + gap)
            page.paste(qr_image(link.url, size), (left, y))
            label = _font(True, 34)
            box = draw.textbbox((0, 0), link.label, font=label)
            draw.text((left + (size - box[2]) / 2, y + size + 2), link.label, font=label, fill=INK)
        y += size + 56
    y = _centred(draw, text.call_to_action, _font(True, 34), y, width, max_lines=2) + 6
    if len(codes) == 1 and text.link:
        y = _centred(draw, text.link, _font(False, 30), y, width) + 14
    if text.sms:
        y = _centred(draw, text.sms, _font(True, 34), y, width, max_lines=2) + 10
    if text.phone:
        y = _centred(draw, text.phone, _font(True, 34), y, width, max_lines=2) + 10
    _centred(draw, text.desk, _font(False, 30), min(y, height - 80), width)
    output = io.BytesIO()
    page.save(output, "PNG", dpi=(150, 150))
    return output.getvalue()


def _centred(
    draw: ImageDraw.ImageDraw,
    text: str,
    font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
    y: int,
    width: int,
    *,
    fill: str | tuple[int, int, int] = INK,
    max_lines: int = 1,
) -> int:
    """Draw ``text`` centred from ``y`` (wrapped, at most ``max_lines``); return the next y."""
    lines = _wrap(draw, text, font, width - 2 * MARGIN)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
    for line in lines:
        left, _, right, bottom = draw.textbbox((0, 0), line, font=font)
        draw.text(((width - (right - left)) / 2 - left, y), line, font=font, fill=fill)
        y += int(bottom * 1.2)
    return y


class _PosterPdf(FPDF):
    """An A4 page with the poster's fonts (DejaVu when available, else Helvetica)."""

    def __init__(self) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        regular, bold = font_file(REGULAR), font_file(BOLD)
        if regular is not None and bold is not None:
            self.add_font("poster", "", str(regular))
            self.add_font("poster", "B", str(bold))
            self.poster_font = "poster"
        else:
            self.poster_font = "helvetica"
        self.set_auto_page_break(False)
        self.set_margins(15, 15, 15)

    def write_centred(self, text: str, size: float, *, bold: bool = False) -> None:
        """A centred paragraph across the page, then the next line (nothing for no text)."""
        if not text:
            return
        self.set_font(self.poster_font, "B" if bold else "", size)
        if self.poster_font == "helvetica":
            text = simplified(text, keep_latin1=True)
        self.multi_cell(0, size * 0.45, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def render_pdf(text: PosterText, links: str | Sequence[QrLink]) -> bytes:
    """The poster as a one-page A4 PDF."""
    pdf = _PosterPdf()
    pdf.set_title(text.title)
    pdf.set_creator("atelier-bot")
    pdf.add_page()
    pdf.set_fill_color(*BAND)
    pdf.rect(0, 0, 210, 28, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_y(9)
    pdf.write_centred(text.heading, 26, bold=True)
    pdf.set_text_color(*INK)
    pdf.set_y(38)
    pdf.write_centred(text.title, 32, bold=True)
    pdf.ln(4)
    pdf.write_centred(text.when, 21)
    pdf.write_centred(text.duration, 16)
    pdf.ln(4)
    pdf.write_centred(text.venue, 18, bold=True)
    pdf.write_centred(text.address, 15)
    pdf.write_centred(text.access, 14)
    pdf.ln(5)
    pdf.set_fill_color(*ACCENT)
    pdf.set_font(pdf.poster_font, "B", 28)
    price_width = pdf.get_string_width(text.price) + 20
    pdf.rect((210 - price_width) / 2, pdf.get_y(), price_width, 16, style="F", round_corners=True)
    pdf.set_y(pdf.get_y() + 3)
    pdf.write_centred(text.price, 28, bold=True)
    pdf.ln(8)
    codes = _links(links)
    if len(codes) == 1:
        size = (100.0, 90.0, 76.0)[text.extra_lines]
        pdf.image(qr_image(codes[0].url, 600), x=(210 - size) / 2, y=pdf.get_y(), w=size)
        pdf.set_y(pdf.get_y() + size + 4)
    elif codes:
        size, gap, top = 80.0, 10.0, pdf.get_y()
        for index, link in enumerate(codes[:2]):
            left = (210 - 2 * size - gap) / 2 + index * (size + gap)
            pdf.image(qr_image(link.url, 600), x=left, y=top, w=size)
            pdf.set_xy(left, top + size + 1)
            pdf.set_font(pdf.poster_font, "B", 14)
            pdf.cell(size, 6, link.label, align="C")
        pdf.set_xy(pdf.l_margin, top + size + 9)
    pdf.write_centred(text.call_to_action, 15, bold=True)
    if len(codes) == 1 and text.link:
        pdf.write_centred(text.link, 13)
    if text.sms:
        pdf.ln(2)
        pdf.write_centred(text.sms, 15, bold=True)
    if text.phone:
        pdf.ln(2)
        pdf.write_centred(text.phone, 15, bold=True)
    pdf.ln(3)
    pdf.write_centred(text.desk, 13)
    return bytes(pdf.output())
