"""Where text goes when it leaves zongjie: is an endpoint on this machine, on the office network, or public?

Decided from the URL alone (no DNS lookup, which could itself leak a name): loopback addresses and localhost are
local; RFC 1918, link-local and unique-local addresses, and single-label or .local/.lan/.internal/.intranet
host names, are the private network; anything else is public. `egress = "strict"` treats every endpoint as public
(a loopback URL may be a tunnel to a service elsewhere).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..settings import Settings

LOCAL, PRIVATE, PUBLIC = "local", "private", "public"
LABELS = {LOCAL: "本机", PRIVATE: "内网", PUBLIC: "公网"}
_PRIVATE_SUFFIXES = (".local", ".lan", ".internal", ".intranet", ".home.arpa", ".corp")


@dataclass(frozen=True)
class Endpoint:
    """One place text may be sent, and how far from this machine it is."""

    url: str
    reach: str

    @property
    def is_local(self) -> bool:
        return self.reach == LOCAL

    def describe(self) -> str:
        return f"{self.url}（{LABELS[self.reach]}）" if self.url else "不发送，在本机处理"


def classify(url: str | None, strict: bool = False) -> Endpoint:
    """The endpoint of a URL (an empty URL is the offline engine: nothing leaves the machine)."""
    if not url:
        return Endpoint("", LOCAL)
    if strict:
        return Endpoint(url, PUBLIC)
    host = (urlsplit(url if "//" in url else f"//{url}").hostname or "").lower().rstrip(".")
    return Endpoint(url, _reach(host))


def chat_endpoint(settings: Settings) -> Endpoint:
    """Where chat requests go, and how far that is (the offline engine sends nothing)."""
    return classify(None if settings.is_offline else settings.chat_base_url, strict=settings.egress == "strict")


def embedding_endpoint(settings: Settings) -> Endpoint:
    """Where embedding requests go (the bundled embedder sends nothing)."""
    remote = settings.embedder.startswith("openai:")
    return classify((settings.base_url or "https://api.openai.com/v1") if remote else None,
                    strict=settings.egress == "strict")


def _reach(host: str) -> str:
    if host in ("localhost", "ip6-localhost") or host.endswith(".localhost"):
        return LOCAL
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return PRIVATE if host and ("." not in host or host.endswith(_PRIVATE_SUFFIXES)) else PUBLIC
    if address.is_loopback:
        return LOCAL
    if address.is_private or address.is_link_local:
        return PRIVATE
    return PUBLIC
