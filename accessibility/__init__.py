"""What Lotse says and how: de/en phrasing (Babel catalogue), speech queue, voices, haptics.

Imports nothing of Lotse, so the routing core, the server and the phone can all use it.
"""
