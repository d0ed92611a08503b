"""A route as sentences: the preview read before leaving, and the plain text shared with a
companion or printed (hybrid access: nothing cuts off analogue help)."""

from __future__ import annotations

from typing import Any

from accessibility.facts import ManeuverFacts
from accessibility.phrasing import format_distance, maneuver_text
from mobile.guidance.texts import say


def steps(body: dict[str, Any], lang: str, clock_face: bool) -> list[str]:
    """Summary, each maneuver as said at its point, then the route's warnings."""
    minutes = max(1, round(float(body.get("duration_s", 0)) / 60))
    out = [say("preview.summary", lang, distance=format_distance(body["distance_m"], lang),
               minutes=minutes)]
    for m in body["maneuvers"]:
        out.append(maneuver_text(ManeuverFacts.from_dict(m), lang=lang, form="at",
                                 clock_face=clock_face, verbosity="detailed"))
    return out + [str(w) for w in body.get("warnings", [])]


def as_text(body: dict[str, Any], lang: str, clock_face: bool, title: str = "") -> str:
    """Numbered steps under a heading, one per line, ending with the map's attribution."""
    lines = steps(body, lang, clock_face)
    numbered = [lines[0], ""] + [f"{i}. {line}" for i, line in enumerate(lines[1:], start=1)]
    head = [title or say("share.title", lang), ""]
    return "\n".join([*head, *numbered, "", say("share.attribution", lang)]) + "\n"
