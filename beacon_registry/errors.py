"""The registry's own exceptions; the API turns each into one status code and a one-line message.

Every error that comes from bad input names the field, because staff fix data by field.
"""

from __future__ import annotations


class RegistryError(Exception):
    """Base class; `status` is the HTTP status the API answers with."""

    status = 400

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field


def field_and_message(loc: list[str], msg: str) -> tuple[str | None, str]:
    """Field and message of a pydantic error; model-level checks name the field in the text,
    as "uuid is required …" or "opening_hours: not valid …"."""
    msg = msg.removeprefix("Value error, ")
    if loc:
        return ".".join(loc), msg
    head, _, rest = msg.partition(" ")
    if head.endswith(":"):
        return head[:-1], rest
    return head or None, msg


class InvalidField(RegistryError, ValueError):
    status = 422


class NotFound(RegistryError, LookupError):
    status = 404


class Conflict(RegistryError):
    """A duplicate identity or a record changed by someone else since it was read."""

    status = 409


class StaleVersion(Conflict):
    pass


class PayloadTooLarge(RegistryError):
    status = 413


class NotInstalled(RegistryError):
    """A feature whose optional dependencies this installation lacks (an extra not installed)."""

    status = 501


class ImportRejected(RegistryError):
    """A bulk import under the all-or-nothing rule found bad rows; `report` lists them all."""

    status = 422

    def __init__(self, report: dict) -> None:
        super().__init__(f"{len(report['rejected'])} row(s) rejected; nothing was imported", "file")
        self.report = report
