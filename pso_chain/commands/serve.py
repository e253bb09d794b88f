"""``pso-chain serve``: the web app and JSON API over one dataset (see docs/web.md), and
``pso-chain serve-user`` to add a user to a users file."""

from __future__ import annotations

import gc
import inspect
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

import platformdirs
import typer

from pso_chain.commands.common import DatasetArg, RulesOpt, console, err_console, fails_on_bad_input
from pso_chain.config import export_for_child_processes

WORKER_START_SECONDS = 600  # a worker opening a national network must not be taken for dead


def _web_installed() -> None:
    try:
        import fastapi  # noqa: F401
        import jinja2  # noqa: F401
        import uvicorn  # noqa: F401
    except ModuleNotFoundError as exc:
        err_console.print(f"[bold red]error:[/bold red] the web app needs {exc.name}: "
                          "pip install 'pso-chain[web]'", highlight=False)
        raise typer.Exit(1) from None


@fails_on_bad_input
def serve_cmd(
    dataset: DatasetArg,
    host: Annotated[str, typer.Option("--host", help=(
        "Address to listen on; anything but loopback needs --auth-token-env or --users"))] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="TCP port")] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help=(
        "Worker processes; each opens the network (see docs/web.md for memory)"))] = 1,
    auth_token_env: Annotated[str | None, typer.Option("--auth-token-env", metavar="VAR", help=(
        "Require 'Authorization: Bearer TOKEN' with TOKEN read from this environment variable"))] = None,
    users: Annotated[Path | None, typer.Option("--users", exists=True, dir_okay=False, help=(
        "Require a user name and password from this file (pso-chain serve-user makes lines)"))] = None,
    rules: RulesOpt = None,
    max_upload_mb: Annotated[int, typer.Option("--max-upload-mb", min=1, max=1024, help=(
        "Largest upload accepted (bytes received, chunked or not)"))] = 20,
    allowed_host: Annotated[list[str] | None, typer.Option("--allowed-host", metavar="NAME", help=(
        "A name clients may use in the Host header besides the loopback names (a proxy's name); "
        "repeatable"))] = None,
    session_minutes: Annotated[float, typer.Option("--session-minutes", min=0.01, max=7 * 24 * 60, help=(
        "A login session ends this many minutes after it began"))] = 480.0,
    header_timeout: Annotated[float, typer.Option("--header-timeout", min=0.5, max=300, help=(
        "Seconds a client has to send a request's line and headers"))] = 10.0,
    body_timeout: Annotated[float, typer.Option("--body-timeout", min=0.5, max=3600, help=(
        "Seconds a client has to send a request's body"))] = 120.0,
    scan_timeout: Annotated[float, typer.Option("--scan-timeout", min=1, max=3600, help=(
        "Seconds one quick scan may take (its process is stopped then)"))] = 300.0,
    trust_proxy: Annotated[bool, typer.Option("--trust-proxy", help=(
        "Believe X-Forwarded-For/-Proto from a proxy on 127.0.0.1 (client address, https); "
        "off: any local program could claim any address"))] = False,
) -> None:
    """Serve the web pages and the JSON API (/api, OpenAPI at /api/openapi.json) over DATASET.

    The network is opened once at start; an admin's reload button or SIGHUP opens it again.
    """
    _web_installed()
    from pso_chain.web.limits import MAX_HEAD_BYTES, HeadTimeoutH11
    from pso_chain.web.security import check_bind, load_auth
    from pso_chain.web.state import ServeConfig

    auth = load_auth(auth_token_env, users)
    check_bind(host, auth)
    logging.getLogger("pso_chain").handlers.clear()  # the server's log: one line per event, timed
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    run_dir = tempfile.mkdtemp(prefix="pso-serve-")  # this run's downloads and reload stamp
    config = ServeConfig(
        source=dataset, rules=str(rules) if rules else None, token_env=auth_token_env,
        users=str(users.resolve()) if users else None, max_upload_bytes=max_upload_mb * 1024 * 1024,
        bind=host, allowed_hosts=tuple(allowed_host or ()),
        data_dir=platformdirs.user_data_dir("pso-chain", appauthor=False),  # secret, sessions
        run_dir=run_dir, session_seconds=session_minutes * 60, head_seconds=header_timeout,
        body_seconds=body_timeout, scan_seconds=scan_timeout)
    HeadTimeoutH11.head_seconds = header_timeout
    server: dict[str, Any] = {"host": host, "port": port, "log_level": "info", "server_header": False,
                              "http": HeadTimeoutH11, "timeout_keep_alive": 5, "proxy_headers": trust_proxy,
                              "h11_max_incomplete_event_size": MAX_HEAD_BYTES}
    try:
        _serve(dataset, rules, workers, auth, config, server)
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)


def _serve(dataset, rules, workers, auth, config, server: dict[str, Any]) -> None:
    import uvicorn

    from pso_chain.web.app import CONFIG_ENV, NetworkHolder, create_app, reload_on_sighup

    host, port = server["host"], server["port"]
    where = f"http://{host if ':' not in host else f'[{host}]'}:{port}/"
    if workers > 1:
        # Open once here: bad data fails before any worker starts, and a dataset folder's
        # compiled network is built once, then memory-mapped by every worker.
        with err_console.status(f"opening {dataset} ..."):
            NetworkHolder(dataset, rules)
        gc.collect()
        export_for_child_processes({CONFIG_ENV: config.to_json()})  # each worker's settings
        console.print(f"serving {dataset} on {where} with {workers} workers", highlight=False)
        extra: dict[str, Any] = {}  # keyword arguments this uvicorn version knows
        if "timeout_worker_healthcheck" in inspect.signature(uvicorn.run).parameters:
            extra["timeout_worker_healthcheck"] = WORKER_START_SECONDS  # opening takes a while
        uvicorn.run("pso_chain.web.app:app_from_env", factory=True, workers=workers, **server, **extra)
        return
    with err_console.status(f"opening {dataset} ..."):
        holder = NetworkHolder(dataset, rules)
    app = create_app(holder, auth, config=config)
    reload_on_sighup(holder)
    console.print(f"serving {dataset} on {where} (pid {os.getpid()}; SIGHUP reloads)", highlight=False)
    uvicorn.run(app, **server)


def serve_user_cmd(
    file: Annotated[Path, typer.Argument(help="Users file to add the user to (created if missing)")],
    name: Annotated[str, typer.Argument(help="User name (letters, digits, . _ -)")],
    admin: Annotated[bool, typer.Option("--admin", help="May reload the data")] = False,
) -> None:
    """Add a user with a scrypt-hashed password (asked twice) to a users file."""
    from pso_chain.web.security import hash_password

    if not name or not all(c.isalnum() or c in "._-" for c in name):
        raise typer.BadParameter("use letters, digits, '.', '_' or '-'", param_hint="NAME")
    password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    if len(password) < 10:
        raise typer.BadParameter("at least 10 characters", param_hint="password")
    line = f"{name}:{hash_password(password)}" + (":admin" if admin else "")
    lines = [x for x in (file.read_text(encoding="utf-8").splitlines() if file.exists() else [])
             if not x.startswith(f"{name}:")]
    fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # never readable by others
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write("\n".join([*lines, line]) + "\n")
    console.print(f"{name} written to {file}", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_cmd)
    app.command("serve-user")(serve_user_cmd)
