"""What every part of Lotse shares: settings, the map attribution, geodesy, opening hours, and
the telemetry setting of its web apps.

A leaf: it imports nothing of the other Lotse packages except `accessibility` (for the one
`OpeningState` type that is both evaluated here and phrased there).
"""

ATTRIBUTION = "© OpenStreetMap contributors"

#: FastAPI's OpenTelemetry hooks for every Lotse app, all off: the service keeps no trace of
#: anyone's requests, and asking per request whether a tracer is configured cost each request
#: tens of microseconds
NO_TELEMETRY = {"tracing": False, "metrics": False, "logs": False, "operation_spans": False}
