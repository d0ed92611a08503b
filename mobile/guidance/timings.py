"""Every distance and time the guidance loop uses, in one frozen settings object.

Figures follow Wayfindr (instruction about 6 m before the decision point, a preparatory hint ahead
of it) and NavCog (off-route after more than 6 m for 10 s). Reassurance is not NavCog's every
10–15 m: a blind walker needs the silence to hear traffic, so it comes only after 30 s without
a word. A tester changes them in one place, e.g. `GuidanceTimings(reassure_silence_s=20)`.
"""

from __future__ import annotations

from dataclasses import dataclass

from mobile.positioning.route_match import MatchSettings

#: the route matcher's off-route rule is the one definition; guidance may tune it per walk
_MATCH = MatchSettings()


@dataclass(frozen=True, slots=True)
class GuidanceTimings:
    # --- decision points ---
    instruction_m: float = 6.0  # m before the point: say the action (Wayfindr)
    #: s: start that much earlier (× walking speed) for the tick and the earcon before the words
    instruction_lead_s: float = 0.25
    prep_m: float = 20.0  # m before the point: preparatory hint
    chain_m: float = 10.0  # m: a point this close after another is said with it ("Danach: …")
    prep_min_gap_m: float = 8.0  # m: prep only if it comes this far ahead of the instruction
    prep_min_leg_m: float = 40.0  # m: prep only after a stretch this long without a decision
    confirm_after_m: float = 4.0  # m past a turn: confirm the new street
    confirm_clear_m: float = 12.0  # m: no confirmation when the next instruction is this close
    # --- straights ---
    reassure_silence_s: float = 30.0  # s without a word before "Weiter in der …"
    reassure_repeat_s: float = 60.0  # s without a word before saying it again on one stretch
    reassure_clear_m: float = 8.0  # m: none this close to a confirmation or a prep hint
    # --- hazards and information ---
    hazard_warn_m: float = 15.0  # m before a hazard: SAFETY warning
    info_radius_m: float = 15.0  # m: places this close to the walker may be mentioned
    info_quiet_m: float = 40.0  # m: no place information this close before a decision point
    info_gap_s: float = 60.0  # s between two place informations
    # --- position and route ---
    #: m: the route must be farther than this and than the position's uncertainty …
    off_route_m: float = _MATCH.off_route_m
    off_route_s: float = _MATCH.off_route_after_s  # … for this long means off route
    reroute_cooldown_s: float = 15.0  # s: no second re-route sooner than this
    position_lost_s: float = 8.0  # s without any position: say so
    position_pending_s: float = 3.0  # s into a route with no first fix yet: "wird bestimmt"
    #: m: the matched position's 90 % radius above this for `position_poor_s` is too poor to
    #: guide on (it cannot tell one junction from the next): "Position ungenau, bitte kurz
    #: stehen bleiben", no instructions until it is back below 70 % of it. GPS alone (±5 m)
    #: stays below it and still guides.
    position_poor_m: float = 20.0
    position_poor_s: float = 3.0
    arrival_m: float = 3.0  # m before the destination: arrival
    arrival_prep_m: float = 20.0  # m before the destination: "In 20 Metern erreichen Sie …"
    expire_after_m: float = 8.0  # m: a guidance message not started by then is dropped
    # --- the pipeline's own rhythm ---
    tick_s: float = 0.25  # s between ticks in simulations and the app loop
