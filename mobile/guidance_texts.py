"""The guidance loop's own sentences (German default, English on request).

Maneuvers, distances and places are phrased by `accessibility`; these are the few messages only the
phone engine says: mode, position and route state. Short, one idea each.
"""

from __future__ import annotations

_TEXTS: dict[str, dict[str, str]] = {
    "mode.online": {"de": "Online-Modus.", "en": "Online mode."},
    "mode.offline": {"de": "Offline-Modus, Route auf dem Telefon berechnet.",
                     "en": "Offline mode, route computed on the phone."},
    "mode.simulated": {"de": "Simulation.", "en": "Simulation."},
    "ble.missing": {"de": "Bluetooth nicht verfügbar. Ich nutze GPS, die Position ist ungenauer.",
                    "en": "Bluetooth unavailable. Using GPS, position is less precise."},
    "gps.missing": {"de": "Kein GPS-Empfang.", "en": "No GPS fix."},
    "position.lost": {"de": "Position verloren. Bitte kurz stehen bleiben.",
                      "en": "Position lost. Please stop for a moment."},
    "position.pending": {"de": "Position wird bestimmt.", "en": "Finding your position."},
    "position.back": {"de": "Position wieder gefunden.", "en": "Position found again."},
    "reassure": {"de": "Weiter geradeaus, noch {distance}.",
                 "en": "Keep straight on, {distance} to go."},
    "off_route": {"de": "Sie haben die Route verlassen. Ich berechne eine neue Route.",
                  "en": "You have left the route. Finding a new route."},
    "then": {"de": "Danach: {text}", "en": "Then: {text}"},
    "reroute.done": {"de": "Neue Route: {first}", "en": "New route: {first}"},
    "reroute.failed": {"de": "Keine neue Route gefunden. Bitte fragen Sie jemanden in der Nähe.",
                       "en": "No new route found. Please ask someone nearby."},
    "guidance.paused": {"de": "Führung pausiert.", "en": "Guidance paused."},
    "guidance.resumed": {"de": "Führung fortgesetzt.", "en": "Guidance resumed."},
    "guidance.stopped": {"de": "Führung beendet.", "en": "Guidance stopped."},
    "guidance.none": {"de": "Keine aktive Führung.", "en": "No active guidance."},
    "marker.set": {"de": "Problemstelle markiert.", "en": "Problem marked."},
    "position.unknown": {"de": "Position unbekannt.", "en": "Position unknown."},
    "start.no_position": {"de": "Position unbekannt, Route kann nicht starten.",
                          "en": "Position unknown, cannot start a route."},
    "preview.summary": {"de": "{distance}, etwa {minutes} Minuten.",
                        "en": "{distance}, about {minutes} minutes."},
    "routing.none": {"de": "Keine Karte und kein Server erreichbar.",
                     "en": "No map and no server available."},
    "around.nothing": {"de": "Nichts Bekanntes in der Nähe.", "en": "Nothing known nearby."},
    "search.none": {"de": "Nichts gefunden für {q}.", "en": "Nothing found for {q}."},
}


def say(key: str, lang: str = "de", **values: object) -> str:
    """The sentence `key` in `lang` (German when the language is not known)."""
    entry = _TEXTS[key]
    return entry.get(lang, entry["de"]).format(**values)
