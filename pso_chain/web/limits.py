"""What a request may cost before the application sees it: the Host header, the body's size and
the time to send it, and the time to send the request head.

:class:`Gate` is a plain ASGI middleware around the whole application. It refuses a foreign
``Host`` (400: DNS rebinding), a declared ``Content-Length`` over the limit (413, nothing
read), and counts the body as it arrives, chunked or not: past the limit it answers 413 at
once and the application's reads fail, so a body is never read whole; a body that takes longer
than the deadline gets 408; a request head over 32 KB gets 431. :class:`HeadTimeoutH11` closes
a connection whose request head does not arrive in time (uvicorn's own keep-alive timeout only
covers idle connections).
"""

from __future__ import annotations

import json
import logging
import time

import anyio
from uvicorn.protocols.http.h11_impl import H11Protocol

from pso_chain.web.security import CSP, HEADERS

log = logging.getLogger("pso_chain.web")
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
FORM_OVERHEAD = 64 * 1024  # a request may carry the largest file plus the form's other fields
HEAD_SECONDS = 10.0  # to send the request line and headers
BODY_SECONDS = 120.0  # to send the whole body (20 MB at about 1.4 Mbit/s)
MAX_HEAD_BYTES = 32 * 1024  # h11's largest incomplete event: the request line and headers


class RequestRefused(Exception):
    """Raised into the application's body reads once :class:`Gate` has answered itself."""


def host_name(header: str) -> str:
    """The name part of a Host header, lower case, without the port (``[::1]:8000`` -> ``::1``)."""
    value = header.strip().lower()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def allowed_hosts(bind: str | None = None, extra: tuple[str, ...] | list[str] = ()) -> frozenset[str]:
    """The names a request may carry in its Host header: the loopback names, the address the
    server is bound to (unless a wildcard) and the names given with ``--allowed-host``."""
    names = set(LOOPBACK_NAMES)
    if bind and bind not in ("0.0.0.0", "::", ""):
        names.add(host_name(bind if ":" not in bind or bind.startswith("[") else f"[{bind}]"))
    names.update(host_name(n) for n in extra if n.strip())
    return frozenset(names)


class Gate:
    """ASGI middleware: trusted hosts, the body's size and the body's deadline, on every route."""

    def __init__(self, app, *, max_body: int, hosts: frozenset[str] | None,
                 body_seconds: float = BODY_SECONDS) -> None:
        self.app = app
        self.max_body = max_body
        self.hosts = hosts
        self.body_seconds = body_seconds

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        api = str(scope.get("path", "")).startswith("/api")
        head = sum(len(k) + len(v) + 4 for k, v in scope["headers"]) + len(scope.get("raw_path") or b"") \
            + len(scope.get("query_string") or b"")
        if head > MAX_HEAD_BYTES:  # h11 only limits a head that arrives in pieces
            await _answer(send, 431, "request head too large", api, close=True)
            return
        if self.hosts is not None and host_name(headers.get("host", "")) not in self.hosts:
            await _answer(send, 400, "unknown host: this server answers to its own names only", api)
            return
        length = headers.get("content-length", "")
        if length and (not length.isdigit() or int(length) > self.max_body):
            status = 413 if length.isdigit() else 400
            await _answer(send, status, "request too large" if status == 413 else "bad Content-Length",
                          api, close=True)
            return
        received = 0
        body_done = False
        deadline = time.monotonic() + self.body_seconds
        started = False  # the application has begun its response
        answered = False  # the gate has sent its own response

        async def counted_receive():
            nonlocal received, body_done, answered
            if answered:
                raise RequestRefused
            if body_done:  # waiting for a disconnect (a streamed response): no deadline
                return await receive()
            try:
                with anyio.fail_after(max(deadline - time.monotonic(), 0.001)):
                    message = await receive()
            except TimeoutError:
                if not started:
                    answered = True
                    await _answer(send, 408, "the request body took too long", api, close=True)
                raise RequestRefused from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                body_done = not message.get("more_body", False)
                if received > self.max_body:
                    if not started:
                        answered = True
                        await _answer(send, 413, "request too large", api, close=True)
                    raise RequestRefused
            return message

        async def guarded_send(message) -> None:
            nonlocal started
            if answered:
                return  # the gate's answer went out; the application's is dropped
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except RequestRefused:
            pass
        except Exception:
            if not answered:
                raise
            log.debug("after the gate's answer", exc_info=True)


async def _answer(send, status: int, message: str, api: bool, close: bool = False) -> None:
    """A small response of the gate's own, with the security headers."""
    if api:
        body, kind = json.dumps({"detail": message}).encode(), "application/json"
    else:
        body, kind = message.encode(), "text/plain; charset=utf-8"
    headers = [(b"content-type", kind.encode()), (b"content-length", str(len(body)).encode()),
               (b"cache-control", b"no-store"), (b"content-security-policy", CSP.encode())]
    headers += [(k.lower().encode(), v.encode()) for k, v in HEADERS.items()]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


class HeadTimeoutH11(H11Protocol):
    """uvicorn's h11 protocol with a deadline for each request's head: a connection that has
    not sent a complete request line and headers :data:`HEAD_SECONDS` after it opened (or after
    the previous response) is closed, however slowly the bytes trickle in."""

    head_seconds = HEAD_SECONDS

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._arm_head_deadline()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm_head_deadline()

    def _arm_head_deadline(self) -> None:
        waiting_after = self.cycle  # a new request replaces the cycle

        def expire() -> None:
            if self.cycle is waiting_after and not self.transport.is_closing():
                self.transport.close()

        self.loop.call_later(self.head_seconds, expire)
