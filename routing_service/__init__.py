"""The routing core: OSM extract -> accessible walk graph -> routes with spoken-ready maneuvers.

Pure (no web, database or UI), so the phone can route offline with it. Read it like a table of
contents: ``ingest`` (OSM -> graph), ``compiled`` (the graph as arrays in one .npz), ``costs``
(the one weight table), ``overlays`` (closures, obstacles, guidance strips from outside),
``snap`` (points -> edges), ``pathfind`` (scipy Dijkstra), ``router`` (a request end to end),
``maneuvers`` (decision points -> ``ManeuverFacts`` + text), ``places`` (destination search),
``api`` and ``cli`` (the HTTP and shell faces).
"""
