"""The speech queue's rules, exactly, on an injected clock and a recording voice."""

from __future__ import annotations

import pytest

from accessibility.speech import Message, Priority, SpeechQueue


@pytest.fixture
def q(recorder, clock) -> SpeechQueue:
    return SpeechQueue(recorder, clock=clock, repeat_window_s=20)


def finish(q: SpeechQueue, clock) -> None:
    """Let the current utterance end."""
    clock.advance(60)
    q.tick()


def test_higher_priority_is_spoken_first_then_fifo(q, recorder, clock):
    q.submit(Message("Bäckerei Schmitt, geöffnet bis 19 Uhr.", Priority.INFO))
    q.submit(Message("Schönes Wetter heute.", Priority.CHATTER))
    q.submit(Message("Links abbiegen.", Priority.GUIDANCE))
    q.submit(Message("Rechts abbiegen.", Priority.GUIDANCE))
    for _ in range(4):
        q.tick()
        finish(q, clock)
    assert recorder.texts == [
        "Links abbiegen.",
        "Rechts abbiegen.",
        "Bäckerei Schmitt, geöffnet bis 19 Uhr.",
        "Schönes Wetter heute.",
    ]
    assert [m.text for _, m in q.history] == recorder.texts


def test_safety_interrupts_guidance_and_guidance_is_resumed(q, recorder, clock):
    q.submit(Message("In 20 Metern links abbiegen, in die Fackelstraße.", Priority.GUIDANCE))
    q.tick()
    clock.advance(0.5)
    assert recorder.is_speaking()
    q.submit(Message("Achtung, Baustelle.", Priority.SAFETY))
    started = q.tick()
    assert started.text == "Achtung, Baustelle."
    assert recorder.stops == [clock.t]
    finish(q, clock)
    assert recorder.texts[-1] == "In 20 Metern links abbiegen, in die Fackelstraße."


def test_information_never_interrupts_guidance(q, recorder, clock):
    q.submit(Message("Links abbiegen, in die Marktstraße.", Priority.GUIDANCE))
    q.tick()
    q.submit(Message("Apotheke am Markt, geöffnet.", Priority.INFO))
    clock.advance(0.3)
    assert q.tick() is None
    assert recorder.stops == []
    assert q.current.text == "Links abbiegen, in die Marktstraße."
    finish(q, clock)
    assert recorder.texts[-1] == "Apotheke am Markt, geöffnet."


def test_guidance_interrupts_information_which_is_dropped(q, recorder, clock):
    q.submit(Message("Stadtbibliothek, geöffnet bis 18 Uhr.", Priority.INFO))
    q.tick()
    q.submit(Message("Rechts abbiegen.", Priority.GUIDANCE))
    assert q.tick().text == "Rechts abbiegen."
    finish(q, clock)
    assert recorder.texts == ["Stadtbibliothek, geöffnet bis 18 Uhr.", "Rechts abbiegen."]
    assert q.pending == []


def test_a_safety_warning_is_not_cut_by_another_one(q, recorder, clock):
    q.submit(Message("Achtung, Poller.", Priority.SAFETY))
    q.tick()
    q.submit(Message("Achtung, Baustelle.", Priority.SAFETY))
    assert q.tick() is None
    finish(q, clock)
    assert recorder.texts == ["Achtung, Poller.", "Achtung, Baustelle."]


def test_messages_expire_when_their_point_is_passed(q, recorder, clock):
    q.submit(Message("Stadtbibliothek.", Priority.INFO))
    q.tick()
    q.submit(Message("In 20 Metern rechts abbiegen.", Priority.GUIDANCE, expires_at_m=120))
    q.submit(Message("Bäckerei am Eck.", Priority.CHATTER, expires_at_m=500))
    # the walker is quicker than the voice: the turn is behind them before it could be said
    q.submit(Message("Rathaus.", Priority.INFO))
    q.set_progress(130)
    finish(q, clock)
    assert "In 20 Metern rechts abbiegen." not in recorder.texts
    assert [m.text for _, m, why in q.dropped if why == "expired"] == [
        "In 20 Metern rechts abbiegen."
    ]
    assert not q.submit(Message("Links.", Priority.GUIDANCE, expires_at_m=100))


def test_current_message_is_stopped_when_its_point_is_passed(q, recorder, clock):
    q.submit(
        Message("In 10 Metern Treppe hinunter, 12 Stufen.", Priority.GUIDANCE, expires_at_m=50)
    )
    q.tick()
    q.set_progress(51)
    assert recorder.stops and not recorder.is_speaking()


def test_messages_expire_at_their_time(q, recorder, clock):
    q.submit(Message("Markt heute bis 13 Uhr.", Priority.INFO, expires_at_s=clock.t + 5))
    q.submit(Message("Links abbiegen.", Priority.GUIDANCE))
    q.tick()
    clock.advance(10)
    q.tick()
    assert recorder.texts == ["Links abbiegen."]


def test_same_message_not_repeated_within_window_unless_forced(q, recorder, clock):
    msg = Message("Sie sind jetzt in der Marktstraße.", Priority.GUIDANCE, key="confirm:7")
    assert q.submit(msg)
    q.tick()
    finish(q, clock)  # 60 s later: outside the 20 s window
    assert q.submit(msg)
    q.tick()
    clock.advance(5)
    assert not q.submit(msg)
    assert not q.submit(Message("anders formuliert", Priority.GUIDANCE, key="confirm:7"))
    assert q.submit(msg, force=True)
    assert q.pending == [msg]
    assert not q.submit(msg)  # a copy is already waiting
    assert [why for _, _, why in q.dropped] == ["said recently", "said recently", "already queued"]


def test_repeat_last_always_works(q, recorder, clock):
    assert q.repeat_last() is False  # nothing said yet
    q.submit(Message("Rechts abbiegen.", Priority.GUIDANCE, expires_at_m=40))
    q.tick()
    q.set_progress(10)
    finish(q, clock)
    q.set_progress(45)  # passed its point and inside the repeat window: repeat still works
    assert q.repeat_last()
    assert recorder.texts == ["Rechts abbiegen.", "Rechts abbiegen."]


def test_repeat_while_speaking_starts_the_message_again(q, recorder, clock):
    q.submit(Message("Achtung, Baustelle.", Priority.SAFETY))
    q.tick()
    clock.advance(0.4)
    assert q.repeat_last()
    assert recorder.stops == [clock.t]
    assert recorder.texts == ["Achtung, Baustelle.", "Achtung, Baustelle."]
    assert q.current.text == "Achtung, Baustelle."


def test_steady_earcon_before_instructions_and_warnings_only(q, recorder, clock):
    q.submit(Message("Links abbiegen.", Priority.GUIDANCE))
    q.submit(Message("Achtung, Poller.", Priority.SAFETY))
    q.submit(Message("Café Extrablatt, geöffnet.", Priority.INFO))
    q.submit(Message("Rechts abbiegen.", Priority.GUIDANCE))
    for _ in range(4):
        q.tick()
        finish(q, clock)
    assert [(u.text, u.earcon) for u in recorder.spoken] == [
        ("Achtung, Poller.", "warning"),
        ("Links abbiegen.", "instruction"),
        ("Rechts abbiegen.", "instruction"),
        ("Café Extrablatt, geöffnet.", None),
    ]


def test_clear_drops_waiting_and_stops(q, recorder, clock):
    q.submit(Message("Links abbiegen.", Priority.GUIDANCE))
    q.submit(Message("Rathaus.", Priority.INFO))
    q.tick()
    q.clear()
    assert q.pending == [] and not recorder.is_speaking()
    with pytest.raises(ValueError):
        q.submit(Message("  ", Priority.INFO))
