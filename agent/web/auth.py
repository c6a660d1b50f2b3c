"""Access to the web app: open on loopback; anywhere else only with the token (`--token` or ZONGJIE_TOKEN).

The token comes as `Authorization: Bearer …` or in the HttpOnly cookie that opening `/?token=…` sets, so a
browser user follows one link and the page itself never handles the secret.
"""

from __future__ import annotations

import hmac
import ipaddress
from typing import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

COOKIE = "zongjie_token"
CallNext = Callable[[Request], Awaitable[Response]]
_REFUSED_PAGE = ("<!doctype html><meta charset='utf-8'><title>需要访问令牌</title>"
                 "<p style='font:18px sans-serif;margin:3em'>需要访问令牌：请使用管理员提供的完整链接"
                 "（…/?token=…）打开本页。</p>")


def is_loopback(host: str) -> bool:
    """127.0.0.1, ::1 and localhost: reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def presented_token(request: Request) -> str | None:
    """The token a request carries (header first, then cookie)."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.cookies.get(COOKIE)


def token_guard(token: str) -> Callable[[Request, CallNext], Awaitable[Response]]:
    """A middleware letting through only requests with the token; `/?token=` turns into the cookie."""
    async def guard(request: Request, call_next: CallNext) -> Response:
        offered = request.query_params.get("token")
        if offered is not None and request.url.path == "/" and hmac.compare_digest(offered, token):
            response = RedirectResponse("/", status_code=303)
            response.set_cookie(COOKIE, token, httponly=True, samesite="strict")
            return response
        if hmac.compare_digest(presented_token(request) or "", token):
            return await call_next(request)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": "需要访问令牌（请求头 Authorization: Bearer …）"}, status_code=401)
        return HTMLResponse(_REFUSED_PAGE, status_code=401)
    return guard
