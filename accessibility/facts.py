"""What the router knows about one maneuver, as plain data.

The router decides *what happens* at a decision point; `accessibility.phrasing` decides *how it
is said*. Keeping the facts a frozen, JSON-friendly dataclass lets the same maneuver be phrased
again in another language or verbosity on the phone without asking the server.
"""

from __future__ import annotations

from dataclasses import MISSING, asdict, dataclass, field, fields
from typing import Any

#: every maneuver type the router emits (docs/CONTRACTS.md)
MANEUVER_TYPES: tuple[str, ...] = (
    "depart",
    "continue",
    "turn",
    "cross",
    "steps",
    "barrier",
    "open_square",
    "tactile_paving",
    "hazard",
    "arrive",
)
TURNS: tuple[str, ...] = (
    "straight",
    "slight_left",
    "left",
    "sharp_left",
    "slight_right",
    "right",
    "sharp_right",
    "uturn",
)
CROSSINGS: tuple[str, ...] = ("signals_sound", "signals_vibration", "signals", "zebra", "unmarked")
HANDRAILS: tuple[str, ...] = ("left", "right", "both", "none")
STEPS_DIRECTIONS: tuple[str, ...] = ("up", "down")
SIDES: tuple[str, ...] = ("left", "right")
COMPASS_POINTS: tuple[str, ...] = ("n", "ne", "e", "se", "s", "sw", "w", "nw")

#: field name -> allowed values (None is always allowed)
_CHOICES: dict[str, tuple[str, ...]] = {
    "turn": TURNS,
    "crossing": CROSSINGS,
    "handrail": HANDRAILS,
    "steps_direction": STEPS_DIRECTIONS,
    "side": SIDES,
    "compass": COMPASS_POINTS,
}


@dataclass(frozen=True)
class ManeuverFacts:
    """One maneuver as facts; every field but `type` is optional because OSM often does not know."""

    type: str
    turn: str | None = None
    angle_deg: float | None = None  # signed, + = right
    clock: int | None = None  # 1..12, 12 = straight ahead
    distance_m: float | None = None  # to walk after this maneuver
    street: str | None = None
    crossing: str | None = None
    step_count: int | None = None
    handrail: str | None = None
    steps_direction: str | None = None
    tactile_paving: bool = False
    barrier: str | None = None
    kerb: str | None = None
    surface: str | None = None
    side: str | None = None
    landmark: str | None = None
    #: OSM category of the landmark (its German article when the name alone does not tell)
    landmark_category: str | None = None
    #: compass point of the first leg (depart: said when the walker's facing is not known)
    compass: str | None = None
    #: a crossing that starts on a traffic island (the second half of a split crossing)
    island: bool = False
    hazard_text: dict[str, str] | None = field(default=None, hash=False)

    def __post_init__(self) -> None:
        if self.type not in MANEUVER_TYPES:
            raise ValueError(
                f"unknown maneuver type {self.type!r}; expected one of {MANEUVER_TYPES}"
            )
        for name, allowed in _CHOICES.items():
            value = getattr(self, name)
            if value is not None and value not in allowed:
                raise ValueError(f"{name} must be one of {allowed} or None, not {value!r}")
        if self.clock is not None and not 1 <= self.clock <= 12:
            raise ValueError(f"clock must be 1..12, not {self.clock!r}")
        if self.step_count is not None and self.step_count < 0:
            raise ValueError(f"step_count must not be negative, not {self.step_count!r}")
        if self.distance_m is not None and self.distance_m < 0:
            raise ValueError(f"distance_m must not be negative, not {self.distance_m!r}")

    @classmethod
    def trusted(cls, values: dict[str, Any]) -> ManeuverFacts:
        """Build from values the router itself produced, without re-validating them.

        For the router's own output only: its turns, clocks, crossings, handrails, sides and
        step counts come from closed vocabularies (``turn_from_angle``, ``clock_from_angle``,
        the ingest's crossing types, ``_int``), so checking them again cost about 3 µs per
        maneuver, a fifth of a millisecond on a 70-maneuver route. ``values`` must hold every
        field (see ``FIELD_DEFAULTS``). Anything from outside (a route body on the phone, a
        test) goes through the validating constructor or ``from_dict``.
        """
        facts = object.__new__(cls)
        # a frozen dataclass only blocks __setattr__; filling __dict__ skips __init__ entirely
        facts.__dict__.update(values)
        return facts

    def to_dict(self) -> dict[str, Any]:
        """The fields as a JSON-ready dict (the route body carries them beside each maneuver)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ManeuverFacts:
        """Build from a route body's maneuver dict, ignoring non-fact keys (text, at_m)."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


#: every field with its default, in the dataclass's order (the route body's key order)
FIELD_DEFAULTS: dict[str, Any] = {
    f.name: None if f.default is MISSING else f.default for f in fields(ManeuverFacts)
}
