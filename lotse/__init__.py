"""Lotse: the command line and the wiring that joins the parts.

Importing this package loads nothing heavy.
"""

ATTRIBUTION = "© OpenStreetMap contributors"
