"""Render docx files the way a user would see them: LibreOffice → PDF → PNG, and measure the PDF with poppler.

The official 公文 fonts are not free, so renders substitute Debian CJK faces through `tests/data/fonts.conf`
(FONTCONFIG_FILE). Tests that render call `require_render_tools()`: without LibreOffice, poppler-utils or the Noto
CJK fonts they skip, unless ZONGJIE_REQUIRE_RENDER=1 (CI), where anything missing is a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import NamedTuple
from xml.etree import ElementTree

import pytest

FONTS_CONF = Path(__file__).parent / "data" / "fonts.conf"
RENDER_TIMEOUT = 120
RENDER_TOOLS = ("soffice", "pdftoppm", "pdftotext", "pdffonts", "pdfinfo")

# Read when this module is imported (at collection): the autouse `isolated_env` fixture removes every ZONGJIE_*
# variable before each test runs.
_RENDER_REQUIRED = os.environ.get("ZONGJIE_REQUIRE_RENDER") == "1"
_XHTML = "{http://www.w3.org/1999/xhtml}"


class TextLine(NamedTuple):
    """One line of text on a PDF page, with its box in points from the top-left corner."""

    x_min: float
    y_min: float
    x_max: float
    y_max: float
    text: str


def soffice_available() -> bool:
    """Whether LibreOffice's `soffice` is on PATH."""
    return shutil.which("soffice") is not None


def missing_render_tools() -> list[str]:
    """The render tools (LibreOffice, poppler-utils, the Noto CJK fonts) that are not installed."""
    missing = [tool for tool in RENDER_TOOLS if shutil.which(tool) is None]
    if not _cjk_fonts_installed():
        missing.append("the Noto CJK fonts")
    return missing


def _cjk_fonts_installed() -> bool:
    """Whether fontconfig knows Noto Serif CJK SC and Noto Sans CJK SC (the substitutes fonts.conf names)."""
    if shutil.which("fc-list") is None:
        return False
    families = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=False).stdout
    return "Noto Serif CJK SC" in families and "Noto Sans CJK SC" in families


def require_render_tools() -> None:
    """Skip the calling test when a render tool is missing, or fail when ZONGJIE_REQUIRE_RENDER=1."""
    missing = missing_render_tools()
    if not missing:
        return
    reason = (f"rendering needs {', '.join(missing)} (apt: libreoffice-writer-nogui poppler-utils fonts-noto-cjk; "
              "see .ci/install-system-packages)")
    if _RENDER_REQUIRED:
        pytest.fail(f"ZONGJIE_REQUIRE_RENDER=1 but {reason}")
    pytest.skip(reason)


def render_pdf(docx: Path, out_dir: Path) -> Path:
    """Convert one docx to PDF with LibreOffice; the PDF's path."""
    return render_pdfs([docx], out_dir)[0]


def render_pdfs(docx_files: list[Path], out_dir: Path) -> list[Path]:
    """Convert docx files to PDF in one LibreOffice run (its start-up is the slow part); the PDFs' paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="zongjie-soffice-") as profile:
        # A private profile per run: concurrent soffice processes sharing one profile block or fail.
        command = ["soffice", f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
                   "--convert-to", "pdf", "--outdir", str(out_dir), *map(str, docx_files)]
        environment = dict(os.environ, FONTCONFIG_FILE=str(FONTS_CONF.resolve()))
        completed = _run(command, environment)
    pdfs = [out_dir / f"{docx.stem}.pdf" for docx in docx_files]
    missing = [pdf.name for pdf in pdfs if not pdf.exists()]
    if missing:
        raise RuntimeError(f"soffice wrote no {', '.join(missing)}:\n{completed.stdout}\n{completed.stderr}")
    return pdfs


def render_png(pdf: Path, out_dir: Path, page: int = 1) -> Path:
    """Page `page` of `pdf` as a 60 dpi PNG in `out_dir`; the PNG's path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    prefix = out_dir / f"{pdf.stem}-page{page}"
    _run(["pdftoppm", "-png", "-r", "60", "-f", str(page), "-l", str(page), "-singlefile", str(pdf), str(prefix)])
    return prefix.with_suffix(".png")


def page_count(pdf: Path) -> int:
    """The number of pages in `pdf`."""
    return int(_pdf_info(pdf)["Pages"])


def page_size(pdf: Path) -> tuple[float, float]:
    """Width and height of the first page, in points."""
    width, _, height = _pdf_info(pdf)["Page size"].split()[:3]
    return float(width), float(height)


def pdf_fonts(pdf: Path) -> list[str]:
    """The names of the fonts embedded in or used by `pdf` (subset prefixes like ABCDEF+ removed)."""
    listing = _run(["pdffonts", str(pdf)]).stdout.splitlines()[2:]  # two header lines
    names = (line.split()[0] for line in listing if line.strip())
    return sorted({name.split("+", 1)[-1] for name in names})


def text_lines(pdf: Path, page: int = 1) -> list[TextLine]:
    """The text lines of one page, top to bottom, each with its bounding box (from `pdftotext -bbox-layout`)."""
    xhtml = _run(["pdftotext", "-bbox-layout", "-f", str(page), "-l", str(page), str(pdf), "-"]).stdout
    root = ElementTree.fromstring(xhtml)
    lines = [_text_line(line) for line in root.iter(f"{_XHTML}line")]
    return sorted(lines, key=lambda line: (round(line.y_min, 1), line.x_min))


def _text_line(element: ElementTree.Element) -> TextLine:
    """A TextLine from a <line> element; its words joined by single spaces, as pdftotext separates them."""
    words = [word.text or "" for word in element.iter(f"{_XHTML}word")]
    box = (float(element.get(name, 0)) for name in ("xMin", "yMin", "xMax", "yMax"))
    return TextLine(*box, text=" ".join(words))


def _pdf_info(pdf: Path) -> dict[str, str]:
    """`pdfinfo` fields by name."""
    fields = (line.split(":", 1) for line in _run(["pdfinfo", str(pdf)]).stdout.splitlines() if ":" in line)
    return {name.strip(): value.strip() for name, value in fields}


def _run(command: list[str], environment: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run a render tool; raise with its stderr when it fails or overruns the timeout."""
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=RENDER_TIMEOUT, env=environment,
                                   check=False)
    except subprocess.TimeoutExpired as error:
        raise RuntimeError(f"{command[0]} did not finish within {RENDER_TIMEOUT}s: {error.stderr!r}") from error
    if completed.returncode != 0:
        raise RuntimeError(f"{command[0]} failed with status {completed.returncode}:\n{completed.stderr}")
    return completed
