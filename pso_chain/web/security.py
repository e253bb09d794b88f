"""Who may ask, and what every response carries: authentication (a bearer token from an
environment variable, or a users file with scrypt-hashed passwords), sessions for the browser,
CSRF tokens on POST forms, and the security headers.

Without authentication the server only listens on a loopback address (see
:func:`check_bind`); every visitor is then trusted as on the machine itself.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import os
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pso_chain.config import environment_variable
from pso_chain.errors import Problem, PsoInputError
from pso_chain.web.sessions import SessionStore

SESSION_COOKIE = "pso_session"
CSRF_COOKIE = "pso_csrf"
CSRF_FIELD = "csrf_token"
# scrypt cost: 2**14 x 8 x 1 is the OWASP minimum; about 50 ms per check here.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "frame-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'; "
       "object-src 'none'")
# The municipal report is one self-contained document (inline CSS, charts as data: images).
REPORT_CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
              "frame-ancestors 'self'; base-uri 'none'; form-action 'none'")
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def hash_password(password: str, salt: bytes | None = None) -> str:
    """``scrypt$N$r$p$salt$hash`` (base64) of a password, for a users file."""
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
                            maxmem=64 * 1024 * 1024)
    return (f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}$"
            f"{base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}")


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches a stored ``scrypt$...`` hash (constant-time compare)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r),
                             p=int(p), maxmem=64 * 1024 * 1024)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, base64.b64decode(digest))


@dataclass(frozen=True)
class User:
    name: str
    admin: bool


class TooManyAttempts(Exception):
    """Too many failed logins from this client or for this user: answer 429."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"too many failed logins: try again in {int(seconds) + 1} s")
        self.seconds = seconds


VERIFIED_SECONDS = 60.0  # a checked Basic password is not hashed again for this long


@dataclass
class Auth:
    """The configured authentication; none trusts every (loopback) visitor as admin.

    Sessions live in a :class:`~pso_chain.web.sessions.SessionStore` (server-side, with
    expiry); a session names its user and a fingerprint of the credential it was opened with,
    so a changed password or token ends it, and the admin flag is read from the users file on
    every request, never from the cookie.
    """

    token: str | None = None
    users: dict[str, tuple[str, bool]] = field(default_factory=dict)  # name -> (hash, admin)
    _verified: dict[bytes, float] = field(default_factory=dict, repr=False)
    _salt: bytes = field(default_factory=lambda: secrets.token_bytes(16), repr=False)

    @property
    def enabled(self) -> bool:
        return self.token is not None or bool(self.users)

    def check_bearer(self, token: str) -> User | None:
        if self.token is not None and hmac.compare_digest(token.encode(), self.token.encode()):
            return User("token", True)
        return None

    def check_password(self, name: str, password: str) -> User | None:
        """scrypt (about 50 ms: call it from a worker thread, never on the event loop)."""
        entry = self.users.get(name)
        if entry is None:
            verify_password(password, hash_password("x", b"0" * 16))  # same time either way
            return None
        return User(name, entry[1]) if verify_password(password, entry[0]) else None

    def check_basic(self, name: str, password: str) -> User | None:
        """:meth:`check_password`, remembered for a minute in this process (by a salted hash,
        never the password) so that a program sending Basic on every request costs one scrypt."""
        key = hashlib.sha256(self._salt + name.encode() + b"\0" + password.encode()).digest()
        now = time.monotonic()
        if self._verified.get(key, 0.0) > now and name in self.users:
            return User(name, self.users[name][1])
        user = self.check_password(name, password)
        if user is not None:
            if len(self._verified) > 1000:
                self._verified.clear()
            self._verified[key] = now + VERIFIED_SECONDS
        return user

    def credential(self, name: str) -> str | None:
        """The credential a session of ``name`` rests on (the token, or the password hash)."""
        if name == "token":
            return self.token
        entry = self.users.get(name)
        return entry[0] if entry else None

    def session_user(self, store: SessionStore, session_id: str) -> User | None:
        """The user of a live session whose credential has not changed since login."""
        found = store.lookup(session_id)
        if found is None:
            return None
        name, _, fingerprint = found
        credential = self.credential(name)
        if credential is None or not hmac.compare_digest(fingerprint, store.fingerprint(credential)):
            return None
        return User(name, True) if name == "token" else User(name, self.users[name][1])


def throttled(store: SessionStore, client: str, name: str | None,
              check: Callable[[], User | None]) -> User | None:
    """``check()`` unless ``client`` or ``name`` failed too often lately (then
    :class:`TooManyAttempts`); a failure is counted against both."""
    wait = store.blocked_for(client, name)
    if wait > 0:
        raise TooManyAttempts(wait)
    user = check()
    if user is None:
        store.failed(client, name)
    return user


def load_auth(token_env: str | None = None, users_file: str | Path | None = None,
              environ: Mapping[str, str] | None = None) -> Auth:
    """Authentication from an environment variable's token or a users file.

    The users file has one ``name:scrypt$...[:admin]`` line per user (``#`` comments); make
    lines with ``pso-chain serve-user FILE NAME``. Sessions are signed by nothing derived from
    either: see :mod:`pso_chain.web.sessions`.
    """
    if token_env and users_file:
        raise PsoInputError(Problem("--auth-token-env", None, None, token_env,
                                    "give either --auth-token-env or --users, not both"))
    if token_env:
        token = environment_variable(token_env, environ) or ""  # read at the edge (pso_chain.config)
        if len(token) < 16:
            raise PsoInputError(Problem("--auth-token-env", None, None, token_env,
                                        "the environment variable must hold a token of at least "
                                        "16 characters"))
        return Auth(token=token)
    if users_file:
        path = Path(users_file)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise PsoInputError(Problem(str(path), None, None, None, f"cannot read: {exc.strerror}")) \
                from None
        users: dict[str, tuple[str, bool]] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            parts = line.strip().split(":")
            if len(parts) not in (2, 3) or not parts[0] or not parts[1].startswith("scrypt$"):
                raise PsoInputError(Problem(str(path), number, None, None,
                                            "expected name:scrypt$...[:admin]"))
            users[parts[0]] = (parts[1], len(parts) == 3 and parts[2] == "admin")
        if not users:
            raise PsoInputError(Problem(str(path), None, None, None, "no users in the file"))
        return Auth(users=users)
    return Auth()


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, auth: Auth) -> None:
    """Refuse to listen beyond this machine without authentication."""
    if not is_loopback(host) and not auth.enabled:
        raise PsoInputError(Problem("--host", None, None, host,
                                    "listening on a non-loopback address needs authentication: "
                                    "--auth-token-env VAR or --users FILE"))


def new_csrf_token() -> str:
    return secrets.token_urlsafe(24)


def csrf_ok(cookie: str | None, submitted: str | None) -> bool:
    """Double-submit check: the form's token equals the cookie's (both present)."""
    if not cookie or not submitted:
        return False
    return hmac.compare_digest(cookie.encode(), submitted.encode())


def local_path(target: str) -> str:
    """``target`` as a path on this server: ``//evil.example/x`` or ``/\\evil.example`` (which
    browsers read as another host) become ``/evil.example/x``; anything else not starting with
    ``/`` becomes ``/``. Tabs and line breaks, which browsers drop from a URL, are dropped
    first."""
    target = "".join(ch for ch in target if ch >= " " and ch != "\x7f")
    if not target.startswith(("/", "\\")):
        return "/"
    return "/" + target.lstrip("/\\")
