"""Rendering a page from a template with the request's language, user and CSRF token (kept
apart from :mod:`pso_chain.web.app` so the page modules the app registers need not import it)."""

from __future__ import annotations

from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse

from pso_chain.web.i18n import Text
from pso_chain.web.security import local_path


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page from a template with the request's language, user and CSRF token."""
    env: jinja2.Environment = request.app.state.templates
    state = request.state
    text = getattr(state, "t", Text())
    html = env.get_template(name).render(
        t=text, lang=text.lang, csrf=getattr(state, "csrf", ""), user=getattr(state, "user", None),
        auth_enabled=request.app.state.auth.enabled, path=local_path(request.url.path),
        query=str(request.url.query), **context)
    return HTMLResponse(html, status_code=status_code)
