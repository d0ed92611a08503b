"""Speech synthesis latency for real maneuver phrases, against a one-word baseline in the same run.

For each utterance: time to the first audio sample (espeak-ng streaming WAV on stdout: the first
sample bytes after the header), time to the complete audio, and the time for Lotse's own
`synthesize()` (WAV file with earcon, written atomically). Baseline: `espeak-ng --stdout` of one
word, so figures from a busy machine can be read relative to it.

    .venv/bin/python bench/bench_tts.py [--runs 5] [--json out.json]
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from stats import summary  # noqa: E402

from accessibility.facts import ManeuverFacts  # noqa: E402
from accessibility.phrasing import maneuver_text  # noqa: E402
from accessibility.voices.base import DEFAULT_PITCH, DEFAULT_RATE_WPM  # noqa: E402
from accessibility.voices.wav import espeak_command, synthesize  # noqa: E402

WAV_HEADER_BYTES = 44  # espeak-ng writes a plain 44-byte RIFF header before the samples
BASELINE_WORD = {"de": "Ja", "en": "Yes"}
MANEUVERS = [
    (ManeuverFacts("depart", street="Marktstraße", distance_m=40), "at", None),
    (
        ManeuverFacts("turn", turn="left", street="Fackelstraße", landmark="Stiftskirche"),
        "prep",
        20,
    ),
    (ManeuverFacts("turn", turn="slight_right", street="Riesenstraße"), "at", None),
    (ManeuverFacts("cross", crossing="signals_sound", street="Pirmasenser Straße"), "at", None),
    (ManeuverFacts("steps", step_count=14, steps_direction="down", handrail="left"), "prep", 15),
    (ManeuverFacts("barrier", barrier="bollard"), "prep", 8),
    (ManeuverFacts("open_square", street="Schillerplatz"), "at", None),
    (ManeuverFacts("hazard", hazard_text={"de": "Baustelle", "en": "road works"}), "prep", 30),
    (ManeuverFacts("turn", turn="right", street="Stiftsplatz"), "confirm", None),
    (ManeuverFacts("arrive", side="left", landmark="Stadtbibliothek"), "at", None),
]


def stream_once(text: str, lang: str) -> tuple[float, float, float]:
    """(seconds to first sample, seconds to complete audio, audio duration) for one utterance."""
    command = espeak_command(lang, DEFAULT_RATE_WPM, DEFAULT_PITCH, "--stdout")
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
    proc.stdin.write(text.encode("utf-8"))
    proc.stdin.close()
    received = b""
    first = None
    while True:
        chunk = proc.stdout.read(4096)
        if not chunk:
            break
        received += chunk
        if first is None and len(received) >= WAV_HEADER_BYTES + 2:
            first = time.perf_counter() - start
    proc.wait()
    complete = time.perf_counter() - start
    if proc.returncode != 0 or first is None:
        raise RuntimeError(f"espeak-ng failed for {text!r}")
    samples = (len(received) - WAV_HEADER_BYTES) // 2
    with wave.open(io.BytesIO(received[:WAV_HEADER_BYTES]), "rb") as header:
        rate = header.getframerate()
    return first, complete, samples / rate


def file_once(text: str, lang: str, folder: Path) -> float:
    start = time.perf_counter()
    synthesize(text, lang, folder / "bench.wav", earcon="instruction")
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="repetitions per utterance")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args(argv)
    results: dict[str, list[float]] = {
        k: [] for k in ("base_first", "base_full", "first", "full", "file")
    }
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for lang in ("de", "en"):
            for facts, form, to_go in MANEUVERS:
                text = maneuver_text(facts, lang, form, distance_to_m=to_go)
                firsts, fulls, files = [], [], []
                for _ in range(args.runs):
                    # the baseline runs right before each phrase: same load on a shared machine
                    base_first, base_full, _ = stream_once(BASELINE_WORD[lang], lang)
                    results["base_first"].append(base_first)
                    results["base_full"].append(base_full)
                    first, full, duration = stream_once(text, lang)
                    firsts.append(first)
                    fulls.append(full)
                    files.append(file_once(text, lang, Path(tmp)))
                results["first"] += firsts
                results["full"] += fulls
                results["file"] += files
                rows.append(
                    (
                        lang,
                        text,
                        duration,
                        statistics.median(firsts),
                        statistics.median(fulls),
                        statistics.median(files),
                    )
                )
    print(f"{'lang':4} {'audio s':>7} {'first ms':>8} {'full ms':>8} {'file ms':>8}  text")
    for lang, text, duration, first, full, file_s in rows:
        ms = " ".join(f"{1000 * v:8.1f}" for v in (first, full, file_s))
        print(f"{lang:4} {duration:7.2f} {ms}  {text}")
    labels = {
        "base_first": "baseline one word, first sample",
        "base_full": "baseline one word, complete",
        "first": "maneuvers, first sample",
        "full": "maneuvers, complete audio",
        "file": "maneuvers, synthesize() WAV file",
    }
    figures = {key: summary(values) for key, values in results.items()}
    print()
    for key, label in labels.items():
        f = figures[key]
        print(
            f"{label:34} n={f['n']:3d} median {f['median_ms']:6.1f} ms  "
            f"p95 {f['p95_ms']:6.1f} ms  p99 {f['p99_ms']:6.1f} ms"
        )
    ratio = figures["first"]["median_ms"] / figures["base_first"]["median_ms"]
    print(f"first sample, maneuver / one-word baseline (medians): {ratio:.2f}x")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
