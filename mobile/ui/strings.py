"""Every word the screens show or say, in German (default) and English.

One table, so a translation is one edit and a missing key fails in the tests rather than on the
street. Messages are short: a blind user hears each one in full before acting.
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    # screen titles
    "start.title": {"de": "Lotse", "en": "Lotse"},
    "search.title": {"de": "Ziel suchen", "en": "Find destination"},
    "favourites.title": {"de": "Favoriten", "en": "Favourites"},
    "preview.title": {"de": "Route", "en": "Route"},
    "guidance.title": {"de": "Unterwegs", "en": "On the way"},
    "around.title": {"de": "Umgebung", "en": "Around me"},
    "settings.title": {"de": "Einstellungen", "en": "Settings"},
    "simulate.title": {"de": "Simulation", "en": "Simulation"},
    # start screen
    "start.where": {"de": "Wo bin ich?", "en": "Where am I?"},
    "start.search": {"de": "Ziel wählen", "en": "Choose destination"},
    "start.favourites": {"de": "Favoriten", "en": "Favourites"},
    "start.repeat": {"de": "Letzte Ansage wiederholen", "en": "Repeat last message"},
    "start.around": {"de": "Was ist in der Nähe?", "en": "What is around me?"},
    "start.settings": {"de": "Einstellungen", "en": "Settings"},
    "start.simulate": {"de": "Simulation für Tester", "en": "Simulation for testers"},
    # search
    "search.field": {"de": "Suchtext", "en": "Search text"},
    "search.go": {"de": "Suchen", "en": "Search"},
    "search.dictate": {"de": "Diktieren", "en": "Dictate"},
    "search.no_dictation": {
        "de": "Diktat gibt es auf diesem Gerät nicht. Bitte tippen.",
        "en": "Dictation is not available on this device. Please type.",
    },
    "search.listening": {"de": "Bitte sprechen.", "en": "Please speak."},
    "search.empty_query": {"de": "Bitte erst einen Suchtext eingeben.",
                           "en": "Please enter a search text first."},
    "search.none": {"de": "Nichts gefunden.", "en": "Nothing found."},
    "search.found": {"de": "{n} Treffer:", "en": "{n} results:"},
    "favourites.none": {"de": "Noch keine Favoriten.", "en": "No favourites yet."},
    # preview
    "preview.for": {"de": "Route nach {name}", "en": "Route to {name}"},
    "preview.read_all": {"de": "Alle Schritte vorlesen", "en": "Read all steps"},
    "preview.go": {"de": "Losgehen", "en": "Start walking"},
    "preview.steps": {"de": "{n} Schritte.", "en": "{n} steps."},
    "preview.none": {"de": "Keine Route.", "en": "No route."},
    "preview.save": {"de": "Als Favorit speichern", "en": "Save as favourite"},
    "preview.saved": {"de": "{name} ist jetzt ein Favorit.", "en": "{name} is now a favourite."},
    # guidance
    "guidance.next": {"de": "Nächste Ansage", "en": "Next instruction"},
    "guidance.distance": {"de": "Entfernung", "en": "Distance"},
    "guidance.distance_value": {"de": "{m} Meter", "en": "{m} metres"},
    "guidance.unknown": {"de": "unbekannt", "en": "unknown"},
    "guidance.accuracy": {"de": "auf {m} Meter genau", "en": "within {m} metres"},
    "quality.good": {"de": "gut", "en": "good"},
    "quality.fair": {"de": "ungefähr", "en": "approximate"},
    "quality.poor": {"de": "unsicher", "en": "uncertain"},
    "source.beacon": {"de": "Beacons", "en": "beacons"},
    "source.gps": {"de": "GPS", "en": "GPS"},
    "guidance.quality": {"de": "Position", "en": "Position"},
    "guidance.repeat": {"de": "Wiederholen", "en": "Repeat"},
    "guidance.pause": {"de": "Pause", "en": "Pause"},
    "guidance.stop": {"de": "Führung beenden", "en": "Stop guidance"},
    "guidance.mark": {"de": "Problem markieren", "en": "Mark a problem"},
    "mode.online": {"de": "online", "en": "online"},
    "mode.offline": {"de": "offline", "en": "offline"},
    "mode.simulated": {"de": "Simulation", "en": "simulation"},
    # around
    "around.refresh": {"de": "Neu abfragen", "en": "Refresh"},
    "around.none": {"de": "Nichts in der Nähe bekannt.", "en": "Nothing known nearby."},
    # settings
    "settings.lang": {"de": "Sprache", "en": "Language"},
    "settings.verbosity": {"de": "Ausführlichkeit", "en": "Verbosity"},
    "settings.rate": {"de": "Sprechtempo", "en": "Speech rate"},
    "settings.clock_face": {"de": "Richtung als Uhrzeit", "en": "Clock-face directions"},
    "settings.profile": {"de": "Profil", "en": "Profile"},
    "settings.avoid_steps": {"de": "Treppen meiden", "en": "Avoid steps"},
    "settings.signalled": {"de": "Nur Ampeln", "en": "Signalled crossings only"},
    "settings.tactile": {"de": "Leitlinien bevorzugen", "en": "Prefer tactile paving"},
    "settings.server": {"de": "Route vom Server", "en": "Routes from the server"},
    "settings.logging": {"de": "Testprotokoll", "en": "Test log"},
    "settings.logging_on": {
        "de": "Protokoll an. Es wird nur auf diesem Telefon gespeichert, ohne Namen.",
        "en": "Logging on. It stays on this phone, without your name.",
    },
    "value.de": {"de": "Deutsch", "en": "German"},
    "value.en": {"de": "Englisch", "en": "English"},
    "value.brief": {"de": "kurz", "en": "brief"},
    "value.normal": {"de": "normal", "en": "normal"},
    "value.detailed": {"de": "ausführlich", "en": "detailed"},
    "value.blind": {"de": "blind", "en": "blind"},
    "value.low_vision": {"de": "sehbehindert", "en": "low vision"},
    "value.walk": {"de": "zu Fuß", "en": "walking"},
    "value.default": {"de": "wie Profil", "en": "profile default"},
    "value.on": {"de": "an", "en": "on"},
    "value.off": {"de": "aus", "en": "off"},
    # simulate
    "simulate.from": {"de": "Start", "en": "From"},
    "simulate.to": {"de": "Ziel", "en": "To"},
    "simulate.go": {"de": "Simulation starten", "en": "Start simulation"},
    # shared
    "common.back": {"de": "Zurück", "en": "Back"},
    "common.field": {"de": "Eingabefeld", "en": "text field"},
    "common.empty": {"de": "leer", "en": "empty"},
    "common.elements": {"de": "{n} Elemente", "en": "{n} elements"},
    "common.failed": {"de": "Das ging nicht: {why}", "en": "That did not work: {why}"},
    "common.first": {"de": "Anfang der Liste.", "en": "Start of list."},
    "common.last": {"de": "Ende der Liste.", "en": "End of list."},
}

LANGS = ("de", "en")


def t(key: str, lang: str = "de", **fields: object) -> str:
    """The text for `key` in `lang` (German when the language is unknown), with fields filled."""
    entry = TEXTS[key]
    text = entry.get(lang) or entry["de"]
    return text.format(**fields) if fields else text
