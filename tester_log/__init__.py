"""Tester logs: the JSON Lines schema, the phone's writer, and (desktop only) replay and report."""
