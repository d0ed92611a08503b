"""`lotse say TEXT [--lang de|en] [--rate WPM] [--wav FILE]`: hear (or keep) what Lotse would say.

Speaks through the desktop voice, or writes a WAV file; when no voice can be produced it says so
on one line and exits 1, never pretending to have spoken.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from accessibility.voices import NoVoiceError, default_voice, synthesize
from accessibility.voices.base import DEFAULT_PITCH, DEFAULT_RATE_WPM, ESPEAK_VOICES, check_rate

log = logging.getLogger(__name__)

EXIT_NO_VOICE = 1
EXIT_USAGE = 2
WAIT_SLACK_S = 5.0  # s: extra time allowed for the desktop voice to finish


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not the usage block
        raise _UsageError(message)


class _UsageError(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="lotse say", description="Speak a text, or write it to a WAV file.")
    parser.add_argument("text", nargs="+", help="what to say")
    parser.add_argument("--lang", choices=sorted(ESPEAK_VOICES), default="de")
    parser.add_argument("--rate", type=int, default=DEFAULT_RATE_WPM, metavar="WPM")
    parser.add_argument("--pitch", type=int, default=DEFAULT_PITCH, help="0..99")
    parser.add_argument("--wav", type=Path, metavar="FILE", help="write a WAV file instead")
    return parser


def _fail(code: int, message: str) -> int:
    print(f"lotse say: {message}", file=sys.stderr)
    return code


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
        check_rate(args.rate)
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    except (_UsageError, ValueError) as exc:
        return _fail(EXIT_USAGE, str(exc))
    text = " ".join(args.text).strip()
    if not text:
        return _fail(EXIT_USAGE, "nothing to say: the text is empty")
    try:
        if args.wav is not None:
            info = synthesize(text, args.lang, args.wav, args.rate, args.pitch)
            print(f"{info.path}: {info.duration_s:.2f} s, {info.sample_rate} Hz")
            return 0
        voice = default_voice(rate_wpm=args.rate, pitch=args.pitch)
        seconds = voice.speak(text, args.lang)
        deadline = time.monotonic() + seconds * 3 + WAIT_SLACK_S
        while voice.is_speaking() and time.monotonic() < deadline:
            time.sleep(0.05)
    except NoVoiceError as exc:
        hint = "" if args.wav else " (use --wav FILE to write the speech to a file)"
        return _fail(EXIT_NO_VOICE, f"no voice: {exc}{hint}")
    except ValueError as exc:
        return _fail(EXIT_USAGE, str(exc))
    return 0


if __name__ == "__main__":
    sys.exit(main())
