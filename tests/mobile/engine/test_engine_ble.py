"""Real bleak AdvertisementData built from real iBeacon / Eddystone byte layouts."""

from __future__ import annotations

import struct
import uuid

import pytest
from bleak.backends.device import BLEDevice
from bleak.backends.scanner import AdvertisementData

from mobile.ble.frames import EDDYSTONE_UUID, EddystoneUidFrame, IBeaconFrame, beacon_key
from mobile.ble.scanner import (
    BleakBeaconScanner,
    BluetoothUnavailable,
    FakeScanner,
    Sighting,
    Telemetry,
)

PROXIMITY_UUID = uuid.UUID("f7826da6-4fa2-4e98-8024-bc5b71e0893e")


def adv(manufacturer=None, service=None, rssi=-70, name=None) -> AdvertisementData:
    return AdvertisementData(
        local_name=name,
        manufacturer_data=manufacturer or {},
        service_data=service or {},
        service_uuids=list((service or {}).keys()),
        tx_power=None,
        rssi=rssi,
        platform_data=(),
    )


def ibeacon_bytes(major: int, minor: int, power: int) -> bytes:
    return b"\x02\x15" + PROXIMITY_UUID.bytes + struct.pack(">HHb", major, minor, power)


def device(addr: str) -> BLEDevice:
    return BLEDevice(addr, None, None)


@pytest.fixture
def fed():
    got: list = []
    scanner = FakeScanner(clock=lambda: 12.5)
    scanner.start(got.append)
    return scanner, got


def test_ibeacon_parsed_from_apple_manufacturer_data(fed):
    scanner, got = fed
    scanner.emit(device("AA:01"), adv({0x004C: ibeacon_bytes(101, 7, -59)}, rssi=-63))
    assert got == [
        Sighting(12.5, f"ibeacon:{PROXIMITY_UUID}:101:7",
                 IBeaconFrame(str(PROXIMITY_UUID), 101, 7, -59), -63, "AA:01")
    ]
    assert got[0].key == beacon_key("ibeacon", uuid=str(PROXIMITY_UUID).upper(), major=101, minor=7)


def test_eddystone_uid_and_tlm_paired_by_sender(fed):
    scanner, got = fed
    ns, inst = bytes.fromhex("edd1ebeac04e5defa017"), bytes.fromhex("0a0b0c0d0e0f")
    uid = b"\x00" + struct.pack(">b", -18) + ns + inst + b"\x00\x00"
    # TLM v0: 2950 mV, 21.5 °C (8.8 fixed point), 1234 adverts, 5678.9 s uptime
    tlm = b"\x20\x00" + struct.pack(">HhII", 2950, int(21.5 * 256), 1234, 56789)
    scanner.emit(device("BB:02"), adv(service={EDDYSTONE_UUID: uid}, rssi=-80))
    scanner.emit(device("BB:02"), adv(service={EDDYSTONE_UUID: tlm}, rssi=-81))
    sighting, telemetry = got
    assert sighting.frame == EddystoneUidFrame(ns.hex(), inst.hex(), -18)
    assert sighting.frame.measured_power == -59
    assert sighting.key == f"eddystone:{ns.hex()}:{inst.hex()}" and sighting.rssi == -80
    assert isinstance(telemetry, Telemetry) and telemetry.key == sighting.key
    assert telemetry.frame.battery_mv == 2950 and telemetry.frame.temperature_c == 21.5
    assert telemetry.frame.adv_count == 1234 and telemetry.frame.uptime_s == pytest.approx(5678.9)


def test_tlm_without_temperature_and_unknown_sender(fed):
    scanner, got = fed
    tlm = b"\x20\x00" + struct.pack(">HhII", 3000, -0x8000, 1, 1)
    scanner.emit(device("CC:03"), adv(service={EDDYSTONE_UUID.upper(): tlm}))
    assert got[0].key is None and got[0].frame.temperature_c is None


@pytest.mark.parametrize(
    "advert",
    [
        adv(),  # nothing at all
        adv(name="JBL Flip 5", service={"0000fe2c-0000-1000-8000-00805f9b34fb": b"\x01\x02"}),
        adv({0x004C: b"\x10\x05\x01\x18\x4e\x3a\x9c"}),  # Apple "nearby" frame, not iBeacon
        adv({0x004C: ibeacon_bytes(1, 2, -59)[:20]}),  # truncated iBeacon
        adv({0x0006: ibeacon_bytes(1, 2, -59)}),  # iBeacon layout under Microsoft's id
        adv(service={EDDYSTONE_UUID: b"\x10\x00\x03goo.gl"}),  # Eddystone-URL
        adv(service={EDDYSTONE_UUID: b"\x20\x01" + b"\x00" * 16}),  # encrypted TLM
        adv(service={EDDYSTONE_UUID: b""}),
        adv(service={EDDYSTONE_UUID: b"\x00\xee\x01"}),  # truncated UID
    ],
)
def test_foreign_and_broken_adverts_are_ignored(fed, advert):
    scanner, got = fed
    scanner.emit(device("DD:04"), advert)
    assert got == []


def test_no_bluetooth_raises_one_readable_error():
    """A bleak scanner whose radio has no adapter: one translated error, not bleak's own."""
    def no_adapter(**_kw):
        from bleak.exc import BleakError

        class NoRadio:
            async def start(self):
                raise BleakError("No Bluetooth adapters found.")

        return NoRadio()

    scanner = BleakBeaconScanner(scanner_factory=no_adapter)
    with pytest.raises(BluetoothUnavailable, match="BleakError: No Bluetooth adapters found"):
        scanner.start(lambda r: None)
    scanner.stop()  # after a failed start: harmless


def test_real_bleak_on_this_machine_fails_cleanly_or_scans():
    scanner = BleakBeaconScanner()
    try:
        scanner.start(lambda r: None)
    except BluetoothUnavailable as exc:
        assert str(exc) and "\n" not in str(exc)
    finally:
        scanner.stop()
