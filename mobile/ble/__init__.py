"""Bluetooth LE: beacon frames (iBeacon, Eddystone UID/TLM) and the scanner seam."""
