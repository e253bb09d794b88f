"""The app factory: one FastAPI application over one opened network.

Every request passes :func:`guard`: the language, the CSRF cookie, authentication (when
configured) and the security headers; any exception becomes a generic error page or JSON
message, with the traceback only in the server log.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import signal
import threading
from importlib import resources
from pathlib import Path

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from pso_chain.errors import PsoInputError
from pso_chain.web.i18n import LANG_COOKIE, Text, pick_lang
from pso_chain.web.rendering import render
from pso_chain.web.results import is_unknown_org
from pso_chain.web.security import CSP, CSRF_COOKIE, HEADERS, SESSION_COOKIE, Auth, new_csrf_token
from pso_chain.web.state import NetworkHolder

log = logging.getLogger("pso_chain.web")
CONFIG_ENV = "PSO_CHAIN_SERVE_CONFIG"  # how `pso-chain serve --workers N` configures each worker
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
OPEN_PATHS = ("/login", "/static/", "/healthz")


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
    """An input error's message without the server's folders (file names stay)."""
    text = str(exc)
    source = request.app.state.holder.source
    if source is not None and not str(source).startswith(("bolt", "neo4j")):
        folder = str(Path(source).resolve())
        text = text.replace(folder + os.sep, "").replace(str(source).rstrip("/") + "/", "")
    return text


def _authenticate(request: Request, auth: Auth):
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value:
        return auth.check_bearer(value.strip())
    if scheme.lower() == "basic" and value and auth.users:
        try:
            name, _, password = base64.b64decode(value.strip()).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return None
        return auth.check_password(name, password)
    cookie = request.cookies.get(SESSION_COOKIE)
    return auth.session_user(cookie) if cookie else None


def create_app(holder: NetworkHolder, auth: Auth | None = None, *,
               max_upload_bytes: int = MAX_UPLOAD_BYTES) -> FastAPI:
    """The application over ``holder``'s network (see :mod:`pso_chain.web.security`)."""
    from pso_chain.web import api_routes, pages, quickscan

    app = FastAPI(title="pso-chain", version="1", docs_url=None, redoc_url=None,  # both load CDN scripts
                  openapi_url="/api/openapi.json",
                  description="PSO scores, explanations, uplift plans and supplier search: the same "
                              "fields as the `pso-chain` command line's JSON files.")
    app.state.holder = holder
    app.state.auth = auth or Auth(secret=os.urandom(32))
    app.state.templates = templates_env()
    app.state.max_upload_bytes = max_upload_bytes
    app.mount("/static", StaticFiles(directory=_package_dir("static")), name="static")
    app.include_router(api_routes.router)
    app.include_router(pages.router)
    app.include_router(quickscan.router)

    @app.middleware("http")
    async def guard(request: Request, call_next):
        lang = pick_lang(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE))
        request.state.t = Text(lang)
        request.state.csrf = request.cookies.get(CSRF_COOKIE) or new_csrf_token()
        request.state.user = None
        auth: Auth = app.state.auth
        path = request.url.path
        if auth.enabled:
            request.state.user = _authenticate(request, auth)
        if auth.enabled and request.state.user is None and not path.startswith(OPEN_PATHS) \
                and path != "/api/openapi.json":
            if is_api(request):
                response: Response = JSONResponse({"detail": "authentication required"}, status_code=401)
            else:
                response = render(request, "login.html", status_code=401, next=path, failed=False)
            response.headers["WWW-Authenticate"] = 'Bearer realm="pso-chain"'
        else:
            length = request.headers.get("content-length")
            if length and length.isdigit() and int(length) > max_upload_bytes + 64 * 1024:
                response = error_response(request, 413, "request too large")
            else:
                try:
                    response = await call_next(request)
                except Exception:  # the traceback goes to the log, never to the client
                    log.exception("error serving %s %s", request.method, path)
                    response = error_response(request, 500, request.state.t("server_error"))
        for key, value in HEADERS.items():
            response.headers.setdefault(key, value)
        response.headers.setdefault("Content-Security-Policy", CSP)
        if "cache-control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"
        secure = request.url.scheme == "https"
        if CSRF_COOKIE not in request.cookies:
            response.set_cookie(CSRF_COOKIE, request.state.csrf, httponly=True, samesite="strict",
                                secure=secure)
        if request.query_params.get("lang") in ("nl", "en"):
            response.set_cookie(LANG_COOKIE, lang, samesite="lax", max_age=365 * 86400, secure=secure)
        return response

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

    return app


def reload_on_sighup(holder: NetworkHolder) -> None:
    """SIGHUP opens the source again (in a thread: requests keep being served meanwhile)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGHUP"):
        return

    def handler(signum, frame):
        threading.Thread(target=holder.reload, name="pso-reload", daemon=True).start()

    signal.signal(signal.SIGHUP, handler)


def app_from_env() -> FastAPI:
    """The app of one worker process, configured by :data:`CONFIG_ENV` (JSON written by the
    ``serve`` command): each worker opens the network once at start."""
    from pso_chain.web.security import load_auth

    conf = json.loads(os.environ[CONFIG_ENV])
    holder = NetworkHolder(conf["source"], conf.get("rules"))
    return create_app(holder, load_auth(conf.get("token_env"), conf.get("users")),
                      max_upload_bytes=conf.get("max_upload_bytes", MAX_UPLOAD_BYTES))
