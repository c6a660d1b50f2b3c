"""Uploaded files: a checked name, a size limit, and a folder they cannot leave (the store's uploads for a report,
a request's own folder for this year's materials or a draft to proofread)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from ..errors import UserError
from ..files import write_atomically
from ..library.loaders import SUPPORTED_SUFFIXES

_UNSAFE = re.compile(r"[\\/:*?\"<>|\x00-\x1f\x7f]")
CHUNK = 1 << 16


class UploadTooLarge(UserError):
    """The file is over the size limit."""


class UnsupportedUpload(UserError):
    """Not a kind of file zongjie reads."""


def safe_name(name: str) -> str:
    """The file's own name with no folders, no control or reserved characters, and no leading dots, so it can
    only name a file directly inside the uploads folder ("../../etc/passwd" → "passwd")."""
    base = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE.sub("_", base).strip().lstrip(".")
    if not base or not Path(base).stem.strip("._ "):
        raise UserError("文件名无效，请改名后重新上传")
    return base[:120]


def save_upload(stream: BinaryIO, name: str, folder: Path, max_bytes: int,
                suffixes: tuple[str, ...] = SUPPORTED_SUFFIXES) -> Path:
    """Write an upload into `folder` (whole or not at all); refuse kinds other than `suffixes` and files over
    `max_bytes`."""
    clean = safe_name(name)
    if Path(clean).suffix.lower() not in suffixes:
        raise UnsupportedUpload(f"不支持的文件类型：{clean}（可上传 {' '.join(suffixes)}）")
    data = bytearray()
    while chunk := stream.read(CHUNK):
        data += chunk
        if len(data) > max_bytes:
            raise UploadTooLarge(f"文件超过 {max_bytes / (1024 * 1024):.3g} MB 的上限：{clean}")
    if not data:
        raise UserError(f"文件是空的：{clean}")
    folder.mkdir(parents=True, exist_ok=True)
    target = (folder / clean).resolve()
    if target.parent != folder.resolve():
        raise UserError("文件名无效，请改名后重新上传")
    write_atomically(target, lambda partial: partial.write_bytes(bytes(data)))
    return target


def save_uploads(uploads: Iterable[tuple[BinaryIO, str]], folder: Path, max_bytes: int) -> list[Path]:
    """Several uploads (stream, name) into `folder`, each checked as `save_upload` checks one; a second file of
    the same name is refused rather than left to replace the first unseen."""
    saved: list[Path] = []
    for stream, name in uploads:
        clean = safe_name(name)
        if any(path.name.casefold() == clean.casefold() for path in saved):
            raise UserError(f"有两个文件都叫 {clean}，请改名后重新上传")
        saved.append(save_upload(stream, name, folder, max_bytes))
    return saved
