"""The one error the screens expect from the controller: a sentence for the user."""

from __future__ import annotations


class ControllerError(ValueError):
    """A request the controller cannot do; the message is one sentence for the user."""
