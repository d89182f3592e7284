"""Who is acting, from where, in which request: kept for the length of a request
(or a CLI command) so that services can record it without passing a request."""

from __future__ import annotations

import contextvars
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RequestContext:
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex[:16])  # always ours
    ip: str | None = None
    user_agent: str = ""
    channel: str = "cli"  # web, api, cli, job
    client_request_id: str = ""  # the client's X-Request-ID: its word, kept apart


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "tinhso_request_context", default=None
)


def current() -> RequestContext:
    ctx = _current.get()
    return ctx if ctx is not None else RequestContext()


@contextmanager
def use(ctx: RequestContext):
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)
