"""What a handler needs from the running server, as FastAPI dependencies: the objects are built
once by :func:`pso_chain.web.app.create_app` from one :class:`~pso_chain.web.state.ServeConfig`
and kept on the application; handlers name them in their signature instead of reaching for
them."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from pso_chain.web.downloads import Downloads
from pso_chain.web.security import Auth
from pso_chain.web.sessions import SessionStore
from pso_chain.web.state import NetworkHolder, ReloadStamp, ServeConfig
from pso_chain.web.uploads import ScanPool


def _holder(request: Request) -> NetworkHolder:
    return request.app.state.holder


def _auth(request: Request) -> Auth:
    return request.app.state.auth


def _sessions(request: Request) -> SessionStore:
    return request.app.state.sessions


def _downloads(request: Request) -> Downloads:
    return request.app.state.downloads


def _scans(request: Request) -> ScanPool:
    return request.app.state.scans


def _stamp(request: Request) -> ReloadStamp:
    return request.app.state.stamp


def _config(request: Request) -> ServeConfig:
    return request.app.state.config


HolderDep = Annotated[NetworkHolder, Depends(_holder)]
AuthDep = Annotated[Auth, Depends(_auth)]
SessionsDep = Annotated[SessionStore, Depends(_sessions)]
DownloadsDep = Annotated[Downloads, Depends(_downloads)]
ScansDep = Annotated[ScanPool, Depends(_scans)]
StampDep = Annotated[ReloadStamp, Depends(_stamp)]
ConfigDep = Annotated[ServeConfig, Depends(_config)]
