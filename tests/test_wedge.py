"""Keyboard-wedge scans: bursts by timing, in the collector and in the kiosk app."""

from __future__ import annotations

import asyncio
import time

import pytest
from textual import events
from textual._xterm_parser import XTermParser

from drivers.scanner.wedge import WedgeCollector
from kiosk.assembly import build_kiosk
from kiosk.clock import FixedClock
from kiosk.config import load_config
from kiosk.ui.app import KioskApp
from kiosk.ui.messages import ScanReceived
from kiosk.ui.wedge_keys import key_character
from tests.readers import payloads, typeable_payloads

SCANNER_KEY_SECONDS = 0.003
"""A wedge scanner types a key every few milliseconds."""
PERSON_KEY_SECONDS = 0.180
"""A quick typist still needs well over 100 ms a key."""


def feed_all(collector: WedgeCollector, text: str, start: float, step: float):
    bursts = []
    at = start
    for char in text:
        burst = collector.feed(char, at)
        if burst is not None:
            bursts.append(burst)
        at += step
    final = collector.poll(at + 1.0)
    if final is not None:
        bursts.append(final)
    return bursts


# The collector


def test_collector_licence_with_enters_is_one_scan():
    licence = payloads()["dl_v8_P001.bin"].decode()
    assert "\r" in licence and "\n" in licence

    bursts = feed_all(WedgeCollector(), licence, 100.0, SCANNER_KEY_SECONDS)

    assert len(bursts) == 1
    assert bursts[0].is_scan
    assert bursts[0].text == licence


def test_collector_wedge_cr_licence_is_one_scan():
    licence = payloads()["dl_v8_P001_wedge_cr.bin"].decode()

    bursts = feed_all(WedgeCollector(), licence, 100.0, SCANNER_KEY_SECONDS)

    assert [b.text for b in bursts if b.is_scan] == [licence]


def test_collector_slow_typing_is_no_scan():
    bursts = feed_all(WedgeCollector(), "OTP-100001\r", 100.0, PERSON_KEY_SECONDS)

    assert len(bursts) == len("OTP-100001\r")
    assert not any(b.is_scan for b in bursts)
    assert {b.reason for b in bursts} == {"short"}


def test_collector_gap_setting_splits_bursts():
    collector = WedgeCollector(gap=0.200)

    bursts = feed_all(collector, "OTP-100001", 100.0, 0.150)

    assert len(bursts) == 1
    assert bursts[0].is_scan


def test_collector_two_scans_apart_are_two():
    collector = WedgeCollector()
    first = collector.feed_text("OTP-100001\r", 10.0)
    assert first == []

    second = collector.feed_text("OTP-100002\r", 10.5)
    last = collector.poll(11.0)

    assert [b.text for b in second] == ["OTP-100001\r"]
    assert last is not None
    assert last.text == "OTP-100002\r"


def test_collector_short_burst_is_typing():
    bursts = feed_all(WedgeCollector(min_length=4), "ab\r", 1.0, 0.002)

    assert len(bursts) == 1
    assert not bursts[0].is_scan
    assert bursts[0].reason == "short"


def test_collector_held_key_is_auto_repeat():
    bursts = feed_all(WedgeCollector(), "a" * 30, 1.0, 0.033)

    assert len(bursts) == 1
    assert not bursts[0].is_scan
    assert bursts[0].reason == "auto_repeat"


def test_collector_fast_repeated_digits_are_a_scan():
    bursts = feed_all(WedgeCollector(), "9" * 40, 1.0, SCANNER_KEY_SECONDS)

    assert bursts[0].is_scan


def test_collector_prefix_suffix_frame_the_scan():
    collector = WedgeCollector(prefix="\x02", suffix="\x03")
    # A person pressed "x" just before the scanner started, inside the gap.
    bursts = feed_all(collector, "x\x02OTP-1\x03", 1.0, SCANNER_KEY_SECONDS)

    assert len(bursts) == 1
    assert bursts[0].is_scan
    assert bursts[0].text == "\x02OTP-1\x03"


def test_collector_prefix_makes_short_code_a_scan():
    collector = WedgeCollector(prefix="#", min_length=4)

    bursts = feed_all(collector, "#A1", 1.0, SCANNER_KEY_SECONDS)

    assert bursts[0].is_scan


def test_collector_burst_without_prefix_is_typing():
    collector = WedgeCollector(prefix="#")

    bursts = feed_all(collector, "OTP-100001", 1.0, SCANNER_KEY_SECONDS)

    assert not bursts[0].is_scan
    assert bursts[0].reason == "no_prefix"


def test_collector_burst_without_suffix_is_typing():
    collector = WedgeCollector(suffix="\t")

    bursts = feed_all(collector, "OTP-100001", 1.0, SCANNER_KEY_SECONDS)

    assert not bursts[0].is_scan
    assert bursts[0].reason == "no_suffix"


def test_collector_runaway_burst_is_dropped(monkeypatch):
    monkeypatch.setattr("drivers.scanner.wedge.MAX_BURST_CHARS", 100)

    bursts = feed_all(WedgeCollector(), "x" * 150, 1.0, 0.001)

    assert len(bursts) == 1
    assert not bursts[0].is_scan
    assert bursts[0].reason == "too_long"


# Key events as a terminal delivers them


def terminal_keys(text: str) -> list[events.Key]:
    """Parse ``text`` as the bytes a terminal hands Textual when typed."""
    parser = XTermParser()
    return [event for event in parser.feed(text) if isinstance(event, events.Key)]


@pytest.mark.parametrize("name", sorted(typeable_payloads()))
def test_terminal_keys_give_back_payload(name):
    text = typeable_payloads()[name].decode()

    typed = "".join(key_character(key) or "" for key in terminal_keys(text))

    assert typed == text


@pytest.mark.parametrize(
    ("key", "character"),
    [
        ("enter", "\r"),
        ("tab", "\t"),
        ("ctrl+j", "\n"),
        ("ctrl+circumflex_accent", "\x1e"),
        ("ctrl+shift+6", "\x1e"),
        ("ctrl+right_square_bracket", "\x1d"),
        ("ctrl+backslash", "\x1c"),
    ],
)
def test_key_without_character_maps_to_control(key, character):
    assert key_character(events.Key(key, None)) == character


def test_function_key_types_nothing():
    assert key_character(events.Key("f5", None)) is None


# The kiosk app


@pytest.fixture
def kiosk_factory(rostered_config, make_config):
    """Build kiosks at school ALD on the imported roster, with scanner settings."""
    made = []

    def make(**scanner):
        config = load_config(str(make_config(scanner=scanner)))
        clock = FixedClock.at_local("2026-12-04T08:30", "America/Chicago")
        kiosk = build_kiosk(config, clock)
        made.append(kiosk)
        return kiosk

    yield make
    for kiosk in made:
        kiosk.close()


def post_typed(app: KioskApp, text: str, start: float, step: float) -> float:
    """Post the key events of ``text`` with times ``start``, ``start + step``...
    as a terminal would deliver them; return the time after the last key."""
    at = start
    for key in terminal_keys(text):
        key.time = at
        app.post_message(key)
        at += step
    return at


async def wait_until(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the app")
        await asyncio.sleep(0.02)


async def test_app_licence_typed_is_one_scan(kiosk_factory):
    kiosk = kiosk_factory()
    licence = payloads()["dl_v8_P001.bin"]
    received: list[ScanReceived] = []

    def hook(message):
        if isinstance(message, ScanReceived):
            received.append(message)

    app = KioskApp(kiosk)
    async with app.run_test(message_hook=hook) as pilot:
        # Times start a little ahead of the clock, so the app's poll cannot end
        # the burst before every key is in.
        post_typed(app, licence.decode(), time.monotonic() + 0.5, SCANNER_KEY_SECONDS)
        await wait_until(lambda: app.scans_handled >= 1)
        await pilot.pause(0.2)

    assert len(received) == 1
    assert received[0].payload == licence
    assert received[0].source == "wedge"
    assert app.scans_handled == 1


async def test_app_every_typeable_payload_is_one_scan(kiosk_factory):
    kiosk = kiosk_factory()
    texts = typeable_payloads()
    received: list[ScanReceived] = []

    def hook(message):
        if isinstance(message, ScanReceived):
            received.append(message)

    app = KioskApp(kiosk)
    async with app.run_test(message_hook=hook) as pilot:
        at = time.monotonic() + 0.5
        for data in texts.values():
            # The long payload arrives in terminal-sized chunks, as a fast
            # scanner's keys do.
            step = 0.00005 if len(data) > 1000 else SCANNER_KEY_SECONDS
            at = post_typed(app, data.decode(), at, step) + 0.250
        await wait_until(lambda: app.scans_handled >= len(texts), timeout=60)
        await pilot.pause(0.3)

    assert [m.payload for m in received] == list(texts.values())
    assert app.scans_handled == len(texts)


async def test_app_slow_typing_is_no_scan(kiosk_factory):
    kiosk = kiosk_factory()
    received: list[ScanReceived] = []

    def hook(message):
        if isinstance(message, ScanReceived):
            received.append(message)

    app = KioskApp(kiosk)
    async with app.run_test(message_hook=hook) as pilot:
        for key in ["O", "T", "P", "minus", "1", "0", "0", "0", "0", "1", "enter"]:
            await pilot.press(key)
            await pilot.pause(PERSON_KEY_SECONDS)
        await pilot.pause(0.3)

    assert received == []
    assert app.scans_handled == 0


async def test_app_pilot_press_with_generous_gap(kiosk_factory):
    kiosk = kiosk_factory(wedge_gap_ms=800.0)
    received: list[ScanReceived] = []

    def hook(message):
        if isinstance(message, ScanReceived):
            received.append(message)

    app = KioskApp(kiosk)
    async with app.run_test(message_hook=hook) as pilot:
        await pilot.press(*"OTP-100001", "enter")
        await wait_until(lambda: app.scans_handled >= 1)

    assert [m.payload for m in received] == [b"OTP-100001\r"]


async def test_app_behind_on_keys_keeps_one_scan(kiosk_factory):
    """Keys that waited in the queue carry old times; a poll between them must
    not end the burst while the app is still handling keys."""
    kiosk = kiosk_factory()
    licence = payloads()["dl_v8_P001.bin"].decode()
    received: list[ScanReceived] = []

    def hook(message):
        if isinstance(message, ScanReceived):
            received.append(message)

    app = KioskApp(kiosk)
    async with app.run_test(message_hook=hook) as pilot:
        stale = time.monotonic() - 1.0
        half = len(licence) // 2
        at = post_typed(app, licence[:half], stale, SCANNER_KEY_SECONDS)
        await pilot.pause(0.03)  # polls run here, half a second after the keys' times
        post_typed(app, licence[half:], at, SCANNER_KEY_SECONDS)
        await wait_until(lambda: app.scans_handled >= 1)
        await pilot.pause(0.3)

    assert [message.payload for message in received] == [licence.encode()]
