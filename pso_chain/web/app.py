"""The app factory: one FastAPI application over one opened network.

Every request passes :class:`~pso_chain.web.limits.Gate` (trusted Host, body size and
deadline, before anything is read) and then :func:`guard`: the language, the CSRF cookie,
authentication (when configured; off the event loop, rate-limited) and the security headers;
any exception becomes a generic error page or JSON message, with the traceback only in the
server log.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import dataclasses
import logging
import os
import re
import shutil
import signal
import tempfile
import threading
import weakref
from collections.abc import AsyncIterator
from importlib import resources
from pathlib import Path

import anyio
import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from pso_chain.config import ENV, from_environment
from pso_chain.errors import PsoInputError
from pso_chain.web.downloads import Downloads
from pso_chain.web.i18n import LANG_COOKIE, Text, pick_lang
from pso_chain.web.limits import FORM_OVERHEAD, Gate, HeadTimeoutH11, RequestRefused, allowed_hosts
from pso_chain.web.rendering import render
from pso_chain.web.results import is_unknown_org
from pso_chain.web.security import (
    CSP,
    CSRF_COOKIE,
    HEADERS,
    SESSION_COOKIE,
    Auth,
    TooManyAttempts,
    User,
    load_auth,
    local_path,
    new_csrf_token,
    throttled,
)
from pso_chain.web.sessions import SessionStore, load_secret
from pso_chain.web.state import NetworkHolder, ReloadStamp, ServeConfig
from pso_chain.web.uploads import ScanPool

log = logging.getLogger("pso_chain.web")
CONFIG_ENV = ENV["serve_config"]  # how `pso-chain serve --workers N` configures each worker
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
OPEN_PATHS = ("/login", "/static/", "/healthz")
CSRF_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def _package_dir(name: str) -> Path:
    return Path(str(resources.files("pso_chain.web").joinpath(name)))


def templates_env() -> jinja2.Environment:
    """Jinja2 with autoescaping on for every template (all output is escaped)."""
    return jinja2.Environment(loader=jinja2.FileSystemLoader(_package_dir("templates")),
                              autoescape=True, undefined=jinja2.StrictUndefined)


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api")


def error_response(request: Request, status: int, message: str) -> Response:
    """The same error as JSON (``{"detail": ...}``) for the API, a page for people."""
    if is_api(request):
        return JSONResponse({"detail": message}, status_code=status)
    return render(request, "error.html", status_code=status, status=status, message=message)


def public_message(request: Request, exc: Exception) -> str:
    """An input error's message without the server's folders (file names stay); on a page in
    the page's language, in the API in English (as the API's other texts)."""
    if isinstance(exc, PsoInputError) and not is_api(request):
        text = exc.describe(getattr(request.state, "t", Text()).lang)
    else:
        text = str(exc)
    source = request.app.state.holder.source
    if source is not None and not str(source).startswith(("bolt", "neo4j")):
        folder = str(Path(source).resolve())
        text = text.replace(folder + os.sep, "").replace(str(source).rstrip("/") + "/", "")
    return text


def _authenticate(request: Request, auth: Auth, store: SessionStore) -> User | None:
    """The request's user (blocking: scrypt and SQLite; run in a worker thread). Failed
    bearer tokens and passwords count towards the client's and the user's limit."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    client = request.client.host if request.client else "?"
    if scheme.lower() == "bearer" and value:
        return throttled(store, client, None, lambda: auth.check_bearer(value.strip()))
    if scheme.lower() == "basic" and value and auth.users:
        try:
            name, _, password = base64.b64decode(value.strip(), validate=True).decode().partition(":")
        except (ValueError, UnicodeDecodeError, binascii.Error):
            return throttled(store, client, None, lambda: None)
        return throttled(store, client, name[:200], lambda: auth.check_basic(name, password))
    cookie = request.cookies.get(SESSION_COOKIE)
    return auth.session_user(store, cookie) if cookie else None


def _run_dir(app: FastAPI, config: ServeConfig) -> Path:
    """This run's folder (downloads, reload stamp): the configured one, or a private
    temporary folder removed with the app."""
    if config.run_dir:
        folder = Path(config.run_dir)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        return folder
    folder = Path(tempfile.mkdtemp(prefix="pso-serve-"))
    weakref.finalize(app, shutil.rmtree, folder, True)
    return folder


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    app.state.scans.close()  # the quick scan's child process ends with the server


def create_app(holder: NetworkHolder, auth: Auth | None = None, *,
               max_upload_bytes: int | None = None, config: ServeConfig | None = None) -> FastAPI:
    """The application over ``holder``'s network (see :mod:`pso_chain.web.security`)."""
    from pso_chain.web import api_routes, pages, quickscan

    config = config or ServeConfig()
    if max_upload_bytes is not None:
        config = dataclasses.replace(config, max_upload_bytes=max_upload_bytes)
    app = FastAPI(title="pso-chain", version="1", docs_url=None, redoc_url=None,  # both load CDN scripts
                  openapi_url="/api/openapi.json", lifespan=_lifespan,
                  description="PSO scores, explanations, uplift plans and supplier search: the same "
                              "fields as the `pso-chain` command line's JSON files.")
    run_dir = _run_dir(app, config)
    data_dir = Path(config.data_dir) if config.data_dir else run_dir
    secret = load_secret(data_dir)
    app.state.holder = holder
    app.state.auth = auth or Auth()
    app.state.config = config
    app.state.sessions = SessionStore(data_dir, secret, config.session_seconds)
    app.state.downloads = Downloads(run_dir / "downloads", secret)
    app.state.scans = ScanPool(config.scan_seconds)
    app.state.stamp = ReloadStamp(run_dir / "reload-stamp")
    app.state.templates = templates_env()
    app.state.max_upload_bytes = config.max_upload_bytes
    app.mount("/static", StaticFiles(directory=_package_dir("static")), name="static")
    app.include_router(api_routes.router)
    app.include_router(pages.router)
    app.include_router(quickscan.router)

    @app.middleware("http")
    async def guard(request: Request, call_next):
        try:
            response = await _guarded(request, call_next)
        except RequestRefused:
            raise
        except Exception:  # the traceback goes to the log, never to the client
            log.exception("error serving %s %s", request.method, request.url.path)
            try:
                response = error_response(request, 500, request.state.t("server_error"))
            except Exception:
                response = PlainTextResponse("server error", status_code=500)
        for key, value in HEADERS.items():
            response.headers.setdefault(key, value)
        response.headers.setdefault("Content-Security-Policy", CSP)
        if "cache-control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"
        secure = request.url.scheme == "https"
        csrf = getattr(request.state, "csrf", None)
        if csrf and request.cookies.get(CSRF_COOKIE) != csrf:
            response.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="strict", secure=secure)
        if request.query_params.get("lang") in ("nl", "en"):
            response.set_cookie(LANG_COOKIE, request.query_params["lang"], samesite="lax",
                                max_age=365 * 86400, secure=secure)
        return response

    async def _guarded(request: Request, call_next) -> Response:
        request.state.t = Text(pick_lang(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)))
        cookie = request.cookies.get(CSRF_COOKIE) or ""
        request.state.csrf = cookie if CSRF_TOKEN.match(cookie) else new_csrf_token()
        request.state.user = None
        auth: Auth = app.state.auth
        holder.follow(app.state.stamp)
        path = request.url.path
        if auth.enabled:
            try:
                request.state.user = await anyio.to_thread.run_sync(
                    _authenticate, request, auth, app.state.sessions)
            except TooManyAttempts as exc:
                refused = error_response(request, 429, str(exc))
                refused.headers["Retry-After"] = str(int(exc.seconds) + 1)
                return refused
        if auth.enabled and request.state.user is None and not path.startswith(OPEN_PATHS) \
                and path != "/api/openapi.json":
            if is_api(request):
                response: Response = JSONResponse({"detail": "authentication required"}, status_code=401)
            else:
                response = render(request, "login.html", status_code=401, next=local_path(path),
                                  failed=False)
            response.headers["WWW-Authenticate"] = 'Bearer realm="pso-chain"'
            return response
        return await call_next(request)

    @app.exception_handler(PsoInputError)
    async def bad_input(request: Request, exc: PsoInputError):
        status = 404 if is_unknown_org(exc, request.path_params.get("org_id")) else 400
        return error_response(request, status, public_message(request, exc))

    @app.exception_handler(RequestValidationError)
    async def bad_parameter(request: Request, exc: RequestValidationError):
        problems = [{"parameter": str(e.get("loc", ["?"])[-1]), "where": str(e.get("loc", ["?"])[0]),
                     "message": str(e.get("msg", ""))} for e in exc.errors()]
        if is_api(request):
            return JSONResponse({"detail": problems}, status_code=422)
        text = "; ".join(f"{p['parameter']}: {p['message']}" for p in problems)
        return error_response(request, 400, text)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        response = error_response(request, exc.status_code, str(exc.detail))
        for key, value in (exc.headers or {}).items():
            response.headers[key] = value
        return response

    app.add_middleware(Gate, max_body=config.max_upload_bytes + FORM_OVERHEAD,
                       hosts=allowed_hosts(config.bind, config.allowed_hosts),
                       body_seconds=config.body_seconds)
    return app


def reload_on_sighup(holder: NetworkHolder) -> None:
    """SIGHUP opens the source again (in a thread: requests keep being served meanwhile)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGHUP"):
        return

    def handler(signum, frame):
        threading.Thread(target=holder.reload, name="pso-reload", daemon=True).start()

    signal.signal(signal.SIGHUP, handler)


def app_from_env() -> FastAPI:
    """The app of one worker process, configured by :data:`CONFIG_ENV` (a
    :class:`~pso_chain.web.state.ServeConfig` as JSON, written by the ``serve`` command): each
    worker opens the network once at start."""
    text = from_environment().serve_config
    if not text:
        raise RuntimeError(f"{CONFIG_ENV} is not set: start workers with pso-chain serve --workers N")
    config = ServeConfig.from_json(text)
    logging.basicConfig(level=logging.INFO, format=f"%(asctime)s %(levelname)s %(name)s[{os.getpid()}]: "
                                                   "%(message)s")
    HeadTimeoutH11.head_seconds = config.head_seconds
    holder = NetworkHolder(config.source, config.rules)
    return create_app(holder, load_auth(config.token_env, config.users), config=config)
