"""Text bytes in any encoding Chinese offices use (UTF-8, GBK/GB18030, UTF-16/32 with or without BOM, Big5 …),
decoded by sniffing: BOMs first, then strict UTF-8, UTF-16 by its NUL pattern, GB18030 only when the result reads
as Chinese, then charset-normalizer. Binary data is refused with a `LoadError`, never decoded into mojibake."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable

from ..errors import LoadError

_BOMS = (  # UTF-32 LE before UTF-16 LE: its BOM starts with the same two bytes
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_TEXT_CONTROLS = frozenset("\t\n\r\f\v\x1a")  # \x1a: DOS end-of-file marker some old editors append
_BAD_CATEGORIES = frozenset({"Cc", "Cn", "Co", "Cs"})


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode text bytes by sniffing the encoding; return (text with \\n newlines, encoding name)."""
    detected = _detect_encoding(data)
    if detected is None:
        raise LoadError("无法识别文件编码（可能是二进制文件）")
    text, encoding = detected
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding


def _detect_encoding(data: bytes) -> tuple[str, str] | None:
    """Try BOMs, strict UTF-8, UTF-16 by NUL pattern, GB18030, BOM-less UTF-16, then charset-normalizer."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = _strict_decode(data, codec)  # these codecs consume their own BOM
            return (text, codec) if text is not None and _looks_like_text(text) else None
    if b"\x00" in data:  # UTF-8 and GB18030 text never holds NUL bytes
        return _best_utf16(data, _looks_like_text)
    for attempt in (_as_utf8, _as_gb18030, _as_chinese_utf16, _as_charset_normalizer):
        detected = attempt(data)
        if detected is not None:
            return detected
    return None


def _strict_decode(data: bytes, codec: str) -> str | None:
    """The data decoded with `codec`, or None if any byte sequence is invalid for it."""
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _as_utf8(data: bytes) -> tuple[str, str] | None:
    text = _strict_decode(data, "utf-8")
    return (text, "utf-8") if text is not None and _looks_like_text(text) else None


def _as_gb18030(data: bytes) -> tuple[str, str] | None:
    # GBK is a subset of GB18030; other legacy bytes often decode too, so demand text that reads as Chinese
    text = _strict_decode(data, "gb18030")
    return (text, "gb18030") if text is not None and _looks_like_chinese(text) else None


def _as_chinese_utf16(data: bytes) -> tuple[str, str] | None:
    """BOM-less UTF-16 without any ASCII (so no NUL bytes): accept only if it reads as Chinese."""
    return _best_utf16(data, _looks_like_chinese)


def _best_utf16(data: bytes, accept: Callable[[str], bool]) -> tuple[str, str] | None:
    """The better-reading of UTF-16 LE/BE decodings that `accept` allows, or None."""
    if len(data) % 2:
        return None
    candidates = []
    for codec in ("utf-16-le", "utf-16-be"):
        text = _strict_decode(data, codec)
        if text is not None and accept(text):
            candidates.append((_common_share(text), text, codec))
    if not candidates:
        return None
    _, text, codec = max(candidates)
    return text, codec


def _as_charset_normalizer(data: bytes) -> tuple[str, str] | None:
    """Last resort for other legacy encodings (Big5, Shift_JIS, cp1252...)."""
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or not best.encoding:
        return None
    text = _strict_decode(data, best.encoding)
    return (text, best.encoding) if text is not None and _looks_like_text(text) else None


def _looks_like_text(text: str) -> bool:
    """True unless more than 1% of the characters are controls, unassigned or private-use code points."""
    counts = Counter(text)
    bad = sum(n for char, n in counts.items() if _is_bad_char(char))
    return bad <= len(text) * 0.01


def _is_bad_char(char: str) -> bool:
    return char not in _TEXT_CONTROLS and unicodedata.category(char) in _BAD_CATEGORIES


def _looks_like_chinese(text: str) -> bool:
    """True for real Chinese text: printable, non-ASCII in GB2312, and mostly the 3755 commonest hanzi."""
    if not _looks_like_text(text):
        return False
    counts = Counter(char for char in text if not char.isascii())
    non_ascii = sum(counts.values())
    in_gb2312 = sum(n for char, n in counts.items() if _gb2312_bytes(char))
    if non_ascii == 0 or in_gb2312 < 0.9 * non_ascii:
        return False
    hanzi = sum(n for char, n in counts.items() if _is_hanzi(char))
    common = sum(n for char, n in counts.items() if _is_level1_hanzi(char))
    return hanzi < 20 or common >= 0.75 * hanzi  # too few hanzi to judge frequency


def _common_share(text: str) -> float:
    """Share of characters that are ASCII or in GB2312; separates right from byte-swapped UTF-16."""
    counts = Counter(text)
    common = sum(n for char, n in counts.items() if char.isascii() or _gb2312_bytes(char))
    return common / max(len(text), 1)


def _gb2312_bytes(char: str) -> bytes | None:
    try:
        return char.encode("gb2312")
    except UnicodeEncodeError:
        return None


def _is_hanzi(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff"


def _is_level1_hanzi(char: str) -> bool:
    """GB2312 level 1 (rows 0xB0-0xD7) holds the 3755 most frequent characters of modern Chinese."""
    encoded = _gb2312_bytes(char)
    return encoded is not None and 0xB0 <= encoded[0] <= 0xD7
