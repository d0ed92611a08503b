"""`lotse admin` token commands: the token is the last stdout line, stored only as a hash."""

from __future__ import annotations

from sqlalchemy import select

from beacon_registry import cli_admin
from beacon_registry.models import ApiToken, AuditEntry
from lotse.cli import main as lotse_main


def test_create_use_list_revoke(db_url, ctx, client, capsys):
    assert (
        lotse_main(
            ["admin", "--database-url", db_url, "create-token", "--role", "staff", "--name", "anna"]
        )
        == 0
    )
    token = capsys.readouterr().out.strip().splitlines()[-1]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/v1/staff/beacons", headers=headers).status_code == 200
    with ctx.session_factory() as session:
        stored = session.scalar(select(ApiToken).where(ApiToken.name == "anna"))
    assert (
        stored.role == "staff" and token not in stored.token_hash and len(stored.token_hash) == 64
    )

    assert cli_admin.main(["--database-url", db_url, "list-tokens"]) == 0
    listing = capsys.readouterr().out
    assert "anna\tstaff" in listing and token not in listing

    assert cli_admin.main(["--database-url", db_url, "revoke-token", "--name", "anna"]) == 0
    capsys.readouterr()
    assert client.get("/v1/staff/beacons", headers=headers).status_code == 401
    with ctx.session_factory() as session:
        trail = session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "token").order_by(AuditEntry.id)
        ).all()
    assert [a.action for a in trail] == ["create", "revoke"]
    assert trail[1].before["revoked_at"] is None and trail[1].after["revoked_at"]
    assert token not in str(trail[0].after) and stored.token_hash not in str(trail[0].after)


def test_errors_are_one_line(db_url, capsys):
    assert (
        cli_admin.main(
            ["--database-url", db_url, "create-token", "--role", "tester", "--name", "t"]
        )
        == 0
    )
    capsys.readouterr()
    assert (
        cli_admin.main(
            ["--database-url", db_url, "create-token", "--role", "tester", "--name", "t"]
        )
        == 1
    )
    err = capsys.readouterr().err
    assert err.startswith("lotse admin: name:") and err.count("\n") == 1
    assert cli_admin.main(["--database-url", db_url, "revoke-token", "--name", "nobody"]) == 1
    assert "no token named" in capsys.readouterr().err
