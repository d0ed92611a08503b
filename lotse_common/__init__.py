"""What every part of Lotse shares: settings, the map attribution, geodesy, opening hours.

A leaf: it imports nothing of the other Lotse packages except `accessibility` (for the one
`OpeningState` type that is both evaluated here and phrased there).
"""

ATTRIBUTION = "© OpenStreetMap contributors"
