"""Android or desktop: one place that decides, and wires the app's controller for this device.

python-for-android sets ANDROID_ARGUMENT / ANDROID_PRIVATE and CPython on Android has
`sys.getandroidapilevel`; on a desktop none of these exist, so tests never touch Android code.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def is_android() -> bool:
    return hasattr(sys, "getandroidapilevel") or "ANDROID_ARGUMENT" in os.environ


def app_data_dir() -> Path:
    """Where the app keeps settings, the area bundle and logs."""
    if "LOTSE_APP_DIR" in os.environ:
        return Path(os.environ["LOTSE_APP_DIR"])
    if is_android() and os.environ.get("ANDROID_PRIVATE"):
        return Path(os.environ["ANDROID_PRIVATE"]) / "lotse"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "lotse"


def device_controller(voice: Any = None, settings_path: Path | None = None,
                      data_dir: Path | None = None) -> Any:
    """The app's controller: area bundle when the server has one (else the default extract and
    the shipped beacon plan), real BLE scanner, platform GPS and compass, the platform's voice."""
    from datetime import datetime

    from accessibility.voices import default_voice
    from mobile.app.bundle import BundleClient, BundleUnavailable, load_bundle_network
    from mobile.app.compass import platform_compass
    from mobile.app.controller import GuideController
    from mobile.app.settings import load_settings
    from mobile.ble.scanner import BleakBeaconScanner
    from mobile.positioning.gps import platform_gps

    data_dir = data_dir or app_data_dir()
    settings_path = settings_path or data_dir / "settings.json"
    settings = load_settings(settings_path)
    bundle = network = None
    try:
        bundle = BundleClient(settings.server_url, data_dir / "bundle").sync()
        network = load_bundle_network(bundle)
    except (BundleUnavailable, OSError, ValueError) as exc:
        log.warning("no area bundle: %s", exc)
    if network is None:
        from lotse_common.settings import settings as lotse_settings
        from routing_service.ingest import load_network

        cfg = lotse_settings()
        network = load_network(cfg.osm_path, cache_dir=cfg.cache_dir)

    def trip_logger() -> Any:
        from tester_log.writer import TripLogger

        return TripLogger(data_dir / "logs" / f"trip-{datetime.now():%Y%m%d-%H%M%S}.jsonl")

    return GuideController(
        voice or default_voice(wav_dir=data_dir / "speech"), settings_path=settings_path,
        network=network, beacons=(bundle.beacons or None) if bundle else None,
        places=bundle.places if bundle else None, obstacles=bundle.obstacles if bundle else None,
        scanner=BleakBeaconScanner(), gps=platform_gps(), logger_factory=trip_logger,
        bundle_fresh=bool(bundle and bundle.fresh), compass=platform_compass())
