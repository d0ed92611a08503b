"""Beacon frames parsed from bleak's `AdvertisementData`.

Beacons are the exception to "let a library parse it": bleak hands over raw manufacturer and
service data, and the two layouts are small and fixed (Apple's iBeacon, Google's Eddystone).
Anything else is ignored quietly: a city street is full of headphones and cars advertising.
"""

from __future__ import annotations

import logging
import struct
import uuid
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

APPLE_COMPANY_ID = 0x004C
IBEACON_PREFIX = b"\x02\x15"  # type 0x02, length 0x15 (21 bytes follow)
EDDYSTONE_UUID = "0000feaa-0000-1000-8000-00805f9b34fb"
EDDYSTONE_UID = 0x00
EDDYSTONE_TLM = 0x20
#: Eddystone UID carries the TX power at 0 m; at 1 m free space loses about 41 dB
EDDYSTONE_0M_TO_1M_DB = 41
#: TLM temperature value meaning "not supported"
TLM_NO_TEMPERATURE = -0x8000


@dataclass(frozen=True, slots=True)
class IBeaconFrame:
    uuid: str  # lower-case, with hyphens
    major: int
    minor: int
    measured_power: int  # dBm at 1 m

    @property
    def key(self) -> str:
        return beacon_key("ibeacon", uuid=self.uuid, major=self.major, minor=self.minor)


@dataclass(frozen=True, slots=True)
class EddystoneUidFrame:
    namespace: str  # 20 hex digits
    instance: str  # 12 hex digits
    tx_power_0m: int  # dBm at 0 m

    @property
    def measured_power(self) -> int:
        """Expected RSSI at 1 m, the same meaning as iBeacon's measured power."""
        return self.tx_power_0m - EDDYSTONE_0M_TO_1M_DB

    @property
    def key(self) -> str:
        return beacon_key("eddystone", namespace=self.namespace, instance=self.instance)


@dataclass(frozen=True, slots=True)
class EddystoneTlmFrame:
    """Telemetry: says nothing about identity (the scanner pairs it with the sender's UID)."""

    battery_mv: int
    temperature_c: float | None
    adv_count: int
    uptime_s: float


BeaconFrame = IBeaconFrame | EddystoneUidFrame | EddystoneTlmFrame


def beacon_key(kind: str, **ids: Any) -> str:
    """One string per physical beacon, the same from a frame and from a bundle/registry record."""
    if kind == "ibeacon":
        return f"ibeacon:{str(ids['uuid']).lower()}:{int(ids['major'])}:{int(ids['minor'])}"
    if kind == "eddystone":
        return f"eddystone:{str(ids['namespace']).lower()}:{str(ids['instance']).lower()}"
    raise ValueError(f"unknown beacon kind: {kind!r}")


def parse_ibeacon(data: bytes) -> IBeaconFrame | None:
    """Apple manufacturer data (company id stripped by bleak): 02 15 uuid major minor power."""
    if len(data) < 23 or data[:2] != IBEACON_PREFIX:
        return None
    major, minor, power = struct.unpack(">HHb", data[18:23])
    return IBeaconFrame(str(uuid.UUID(bytes=bytes(data[2:18]))), major, minor, power)


def parse_eddystone(data: bytes) -> EddystoneUidFrame | EddystoneTlmFrame | None:
    """Eddystone service data: UID (0x00) or unencrypted TLM (0x20, version 0); others ignored."""
    if not data:
        return None
    frame_type = data[0]
    if frame_type == EDDYSTONE_UID and len(data) >= 18:
        tx_power = struct.unpack(">b", data[1:2])[0]
        return EddystoneUidFrame(data[2:12].hex(), data[12:18].hex(), tx_power)
    if frame_type == EDDYSTONE_TLM and len(data) >= 14 and data[1] == 0x00:
        mv, temp_raw, adv_count, ticks = struct.unpack(">HhII", data[2:14])
        temp = None if temp_raw == TLM_NO_TEMPERATURE else temp_raw / 256.0
        return EddystoneTlmFrame(mv, temp, adv_count, ticks / 10.0)
    return None


def parse_advertisement(adv: Any) -> list[BeaconFrame]:
    """All beacon frames in one bleak `AdvertisementData` (usually none or one)."""
    frames: list[BeaconFrame] = []
    apple = (getattr(adv, "manufacturer_data", None) or {}).get(APPLE_COMPANY_ID)
    if apple:
        frame = parse_ibeacon(bytes(apple))
        if frame is not None:
            frames.append(frame)
    for key, data in (getattr(adv, "service_data", None) or {}).items():
        if str(key).lower() == EDDYSTONE_UUID:
            eddy = parse_eddystone(bytes(data))
            if eddy is not None:
                frames.append(eddy)
    return frames
