"""Dependencies every router shares: the request's session (one transaction), the service area,
and `require_role(...)` for the decorator of each write endpoint.

Staff and tester routers use `auth_first(role)` as their route class: the token is checked before
the body is read or validated, so an anonymous caller learns nothing about the body's rules.

The session commits after the endpoint returns and before the response is sent (scope
"function"), so a failed commit still becomes an error response and nothing is half-written.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated

import anyio.to_thread
from anyio import CancelScope, CapacityLimiter
from fastapi import Depends, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker

from beacon_registry.area import ServiceArea
from beacon_registry.bundle import BundleCache
from beacon_registry.models import ApiToken
from beacon_registry.snapshot import SnapshotKeeper
from beacon_registry.tokens import authenticate, role_allows

logger = logging.getLogger(__name__)


@dataclass
class RegistryContext:
    """What the routers need from the app: where the data is and which area it serves."""

    session_factory: sessionmaker
    area: ServiceArea
    #: the clock that decides which notices and obstacles are current (a fixed one in tests)
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    bundle_cache: BundleCache = field(default_factory=BundleCache)
    #: what phones read (beacons, places, notices, obstacles), kept in memory and fresh
    snapshots: SnapshotKeeper = field(init=False)

    def __post_init__(self) -> None:
        self.snapshots = SnapshotKeeper(self.session_factory)

    def now(self) -> datetime:
        return self.clock()


async def get_context(request: Request) -> RegistryContext:
    """async: FastAPI runs a plain function dependency in a worker thread."""
    return request.app.state.registry


async def get_session(
    ctx: Annotated[RegistryContext, Depends(get_context)],
) -> AsyncIterator[Session]:
    """The request's session, opened on the event loop (no I/O until first use) and finished
    (commit or rollback, close) in one thread of its own: a sync dependency would queue twice
    more for the request threads, which under load is most of a lookup's time."""
    session = ctx.session_factory()
    failed: BaseException | None = None
    try:
        yield session
    except BaseException as exc:
        failed = exc
        raise
    finally:
        with CancelScope(shield=True):
            await anyio.to_thread.run_sync(_finish, session, failed,
                                           limiter=CapacityLimiter(1))


def _finish(session: Session, failed: BaseException | None) -> None:
    try:
        if failed is None:
            session.commit()
        else:
            session.rollback()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


ContextDep = Annotated[RegistryContext, Depends(get_context)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
_bearer = HTTPBearer(auto_error=False)


def _token(session: Session, creds: HTTPAuthorizationCredentials | None) -> ApiToken:
    if creds is None or creds.scheme.lower() != "bearer":
        raise HTTPException(
            401,
            "authentication required: send 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    tok = authenticate(session, creds.credentials)
    if tok is None:
        raise HTTPException(401, "unknown or revoked token", headers={"WWW-Authenticate": "Bearer"})
    return tok


async def current_token(
    request: Request,
    session: SessionDep,
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> ApiToken:
    """The caller's token: the one `auth_first` already checked for this request (its name and
    role are all a handler reads), else looked up now in a worker thread."""
    checked = getattr(request.state, "api_token", None)
    if checked is not None:
        return checked
    return await run_in_threadpool(_token, session, creds)


def _check_access(request: Request, creds: HTTPAuthorizationCredentials | None, role: str) -> None:
    ctx: RegistryContext = request.app.state.registry
    with ctx.session_factory() as session:
        token = _token(session, creds)
    if not role_allows(token.role, role):
        raise HTTPException(403, f"this needs the {role} role; your token has {token.role}")
    request.state.api_token = token  # loaded, detached: the handler's dependencies reuse it


def auth_first(role: str) -> type[APIRoute]:
    """A route class that answers 401/403 before the body is read, parsed or validated."""

    class AuthFirstRoute(APIRoute):
        def get_route_handler(self) -> Callable:
            handler = super().get_route_handler()

            async def authenticated(request: Request) -> Response:
                creds = await _bearer(request)
                await run_in_threadpool(_check_access, request, creds, role)
                return await handler(request)

            return authenticated

    return AuthFirstRoute


CurrentToken = Annotated[ApiToken, Depends(current_token)]


def require_role(role: str):
    """Dependency for a decorator: 403 unless the caller's role is `role` or stronger."""

    async def check(token: CurrentToken) -> ApiToken:  # no I/O: no thread needed
        if not role_allows(token.role, role):
            raise HTTPException(403, f"this needs the {role} role; your token has {token.role}")
        return token

    return Depends(check)
