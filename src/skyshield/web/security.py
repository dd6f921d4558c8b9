"""The server's guard, in front of every request (an ASGI middleware).

- **Token**: when the server has one, every request must carry it: ``Authorization: Bearer
  TOKEN``, or the ``skyshield_token`` cookie that ``/?token=TOKEN`` sets (the page's address as
  printed at start) before redirecting to ``/``.  Compared in constant time.
- **Host**: without a token (loopback only), the ``Host`` header must name the loopback address
  and port, so a web page elsewhere cannot reach the server through DNS rebinding.
- **Cross-site writes**: a request that changes something (POST, PUT, PATCH, DELETE) must send
  JSON (``Content-Type: application/json``) and, if the browser says where it comes from
  (``Origin``), come from this server's own address.
- **Size**: a request body larger than the limit is refused (413) before it is read, and a
  body must say its length (no chunked upload: 411).
- **Headers**: every answer carries a strict Content-Security-Policy (scripts, styles and
  workers from this server only, no inline script), ``nosniff``, no referrer, no framing.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

COOKIE = "skyshield_token"

#: The policy of the page and the API: nothing inline, nothing from elsewhere.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:;"
    " connect-src 'self'; worker-src 'self' blob:; font-src 'self'; frame-src 'self';"
    " base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)

#: The policy of a briefing report shown from the server: its own inline styles and embedded
#: images, no script at all (sandboxed), framed only by this server's page.
REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox; frame-ancestors 'self'"
)

_UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


async def _answer(
    send: Send, status: int, detail: str, extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    body = json.dumps({"detail": detail}).encode("utf-8")
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *(extra or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": _secure(headers, CSP)})
    await send({"type": "http.response.body", "body": body})


def _secure(headers: list[tuple[bytes, bytes]], default_csp: str) -> list[tuple[bytes, bytes]]:
    """``headers`` with the security headers added (a response's own CSP is kept)."""
    names = {k.lower() for k, _ in headers}
    out = list(headers)
    if b"content-security-policy" not in names:
        out.append((b"content-security-policy", default_csp.encode()))
    out += [
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"cross-origin-opener-policy", b"same-origin"),
    ]
    if b"x-frame-options" not in names:
        out.append((b"x-frame-options", b"DENY"))
    return out


class Guard:
    """The middleware; ``token`` None means loopback only (with the ``Host`` check)."""

    def __init__(
        self, app: ASGIApp, *, token: str | None, allowed_hosts: frozenset[str], max_body: int
    ) -> None:
        self.app = app
        self.token = token
        self.allowed_hosts = allowed_hosts
        self.max_body = max_body

    def _token_ok(self, headers: dict[str, str]) -> bool:
        assert self.token is not None
        given = ""
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            given = auth[7:].strip()
        elif "cookie" in headers:
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(headers["cookie"])
            except Exception:  # a malformed cookie header is no token
                return False
            if COOKIE in jar:
                given = jar[COOKIE].value
        return hmac.compare_digest(given.encode("utf-8"), self.token.encode("utf-8"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check one request (see the module's list), then pass it on with the headers added."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        method = scope["method"]
        host = headers.get("host", "")
        if self.token is None:
            if host not in self.allowed_hosts:
                await _answer(
                    send,
                    403,
                    f"host {host!r} refused: this server answers on the loopback address only",
                )
                return
        else:
            query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            if (
                scope["path"] == "/"
                and method == "GET"
                and "token" in query
                and hmac.compare_digest(query["token"][0].encode(), self.token.encode())
            ):
                cookie = f"{COOKIE}={self.token}; HttpOnly; SameSite=Strict; Path=/"
                await _answer(
                    send, 303, "see /", [(b"location", b"/"), (b"set-cookie", cookie.encode())]
                )
                return
            if not self._token_ok(headers):
                await _answer(
                    send,
                    401,
                    "a token is required: open the address printed at start, or send 'Authorization: Bearer TOKEN'",
                )
                return
        if method in _UNSAFE_METHODS:
            origin = headers.get("origin")
            if origin is not None and origin not in (f"http://{host}", f"https://{host}"):
                await _answer(send, 403, f"cross-site request from {origin!r} refused")
                return
            if "transfer-encoding" in headers:
                await _answer(send, 411, "send the body with a Content-Length")
                return
            length = headers.get("content-length")
            if length is not None and (not length.isdigit() or int(length) > self.max_body):
                await _answer(send, 413, f"request body too large: at most {self.max_body} bytes")
                return
            ctype = headers.get("content-type", "").split(";")[0].strip().lower()
            if length not in (None, "0") and ctype != "application/json":
                await _answer(send, 415, "expected a JSON body (Content-Type: application/json)")
                return

        async def secure_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = _secure(list(message.get("headers", [])), CSP)
            await send(message)

        await self.app(scope, receive, secure_send)
