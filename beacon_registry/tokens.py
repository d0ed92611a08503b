"""Bearer tokens for staff, admins and testers; only a SHA-256 of each token is stored.

Tokens are long random strings (256 bits), so a plain SHA-256 is enough: there is nothing to
brute-force, and lookups stay a single indexed equality.
"""

from __future__ import annotations

import hashlib
import logging
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from beacon_registry.db import utcnow
from beacon_registry.errors import Conflict, InvalidField, NotFound
from beacon_registry.models import ApiToken, AuditEntry

logger = logging.getLogger(__name__)

#: each role may do what the roles after it may do
ROLES = ("admin", "staff", "tester")
TOKEN_PREFIX = "lotse_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def role_allows(role: str, needed: str) -> bool:
    return role in ROLES and ROLES.index(role) <= ROLES.index(needed)


def _view(tok: ApiToken) -> dict:
    """What the audit log keeps of a token: never the token or its hash."""
    revoked = tok.revoked_at.isoformat() if tok.revoked_at else None
    return {"name": tok.name, "role": tok.role, "revoked_at": revoked}


def _audit(session: Session, actor: str, tok: ApiToken, action: str, before: dict | None) -> None:
    session.add(
        AuditEntry(
            actor=actor,
            entity="token",
            entity_id=tok.id,
            action=action,
            before=before,
            after=_view(tok),
        )
    )


def create_token(session: Session, role: str, name: str, actor: str = "lotse admin") -> str:
    """Store a new token for `name` and return it; it is shown once and never again."""
    if role not in ROLES:
        raise InvalidField(f"must be one of {', '.join(ROLES)}", "role")
    name = name.strip()
    if not name or len(name) > 80:
        raise InvalidField("must be 1–80 characters", "name")
    if session.scalar(select(ApiToken.id).where(ApiToken.name == name)) is not None:
        raise Conflict(f"a token named {name!r} exists already; revoke it or pick another", "name")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken(name=name, role=role, token_hash=hash_token(token))
    session.add(record)
    session.flush()
    _audit(session, actor, record, "create", None)
    logger.info("created %s token %r", role, name)
    return token


def revoke_token(session: Session, name: str, actor: str = "lotse admin") -> ApiToken:
    tok = session.scalar(select(ApiToken).where(ApiToken.name == name))
    if tok is None:
        raise NotFound(f"no token named {name!r}", "name")
    if tok.revoked_at is None:
        before = _view(tok)
        tok.revoked_at = utcnow()
        _audit(session, actor, tok, "revoke", before)
    return tok


def list_tokens(session: Session) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).order_by(ApiToken.id)))


def authenticate(session: Session, token: str) -> ApiToken | None:
    """The live token record for a presented token, or None (unknown or revoked)."""
    tok = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if tok is None or tok.revoked_at is not None:
        return None
    return tok
