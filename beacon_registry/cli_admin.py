"""`lotse admin`: tokens (create/revoke/list) and the OSM place import.

`create-token` prints the new token as the last line of stdout, so scripts can take `tail -n 1`.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from beacon_registry.errors import RegistryError

logger = logging.getLogger(__name__)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lotse admin", description="registry administration")
    parser.add_argument("--database-url", help="default: settings (DATABASE_URL wins)")
    sub = parser.add_subparsers(dest="action", required=True)
    create = sub.add_parser("create-token", help="create a bearer token (printed once)")
    create.add_argument("--role", required=True, choices=["admin", "staff", "tester"])
    create.add_argument("--name", required=True, help="who holds it, e.g. 'anna.kl-digital'")
    revoke = sub.add_parser("revoke-token", help="revoke a token by its name")
    revoke.add_argument("--name", required=True)
    sub.add_parser("list-tokens", help="names, roles and state of all tokens (never the tokens)")
    places = sub.add_parser("import-places", help="import shops and amenities of an OSM extract")
    places.add_argument("--osm", type=Path, help="default: the configured extract")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from beacon_registry.app import open_registry

    try:
        ctx = open_registry(args.database_url)
        with ctx.session_factory.begin() as session:
            return _run(args, session, ctx)
    except RegistryError as exc:
        print(f"lotse admin: {exc}", file=sys.stderr)
    except (SQLAlchemyError, OSError) as exc:
        print(f"lotse admin: database error: {str(exc).splitlines()[0]}", file=sys.stderr)
    return 1


def _run(args, session, ctx) -> int:
    from beacon_registry import tokens

    if args.action == "create-token":
        token = tokens.create_token(session, args.role, args.name)
        print(f"created {args.role} token {args.name!r}; it is shown only now:")
        print(token)
    elif args.action == "revoke-token":
        tok = tokens.revoke_token(session, args.name)
        print(f"revoked token {tok.name!r} ({tok.role})")
    elif args.action == "list-tokens":
        for tok in tokens.list_tokens(session):
            state = f"revoked {tok.revoked_at:%Y-%m-%d %H:%M}" if tok.revoked_at else "active"
            print(f"{tok.name}\t{tok.role}\tcreated {tok.created_at:%Y-%m-%d %H:%M}\t{state}")
    elif args.action == "import-places":
        from beacon_registry.osm_places import import_osm_places
        from lotse_common.settings import settings

        report = import_osm_places(
            session, ctx.area, "cli:import-places", args.osm or settings().osm_path
        )
        print(
            f"places: {report['created']} created, {report['updated']} updated, "
            f"{report['unchanged']} unchanged, "
            f"{len(report['rejected'])} rejected, {report['hours_dropped']} with invalid hours"
        )
    return 0
