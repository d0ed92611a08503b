"""What the walker hears on the whole speech corpus: talk share, messages, longest instruction.

Walks every route of `mobile.simulation.speech_corpus.ROUTES` (34 inner-city routes, real OSM,
simulated radio) through the real pipeline in German and English and reports, per language and
verbosity: the share of walking time spent talking (median, p95, and the corpus total), messages
per minute, "Danach:" chains, walks ending without an arrival, and the longest instruction as
measured on a real espeak-ng WAV. Simulation, not a field test: the radio is the fitted model.

    .venv/bin/python bench/bench_speech.py [--routes 34] [--langs de en]
        [--verbosity normal brief] [--wav] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from stats import summary  # noqa: E402

from accessibility.speakable import speakable  # noqa: E402
from lotse_common.settings import PROJECT_ROOT, SHARED_OSM  # noqa: E402
from mobile.ble.plan import load_plan  # noqa: E402
from mobile.simulation.speech_corpus import ROUTES, walk_route  # noqa: E402
from routing_service.ingest import load_network  # noqa: E402
from routing_service.router import Router  # noqa: E402

SPOKEN_KINDS = ("depart", "instruction", "prep", "hazard", "arrival", "reroute")
THEN = {"de": "Danach:", "en": "Then:"}


def longest_wav_s(texts: set[str], lang: str) -> tuple[float, str]:
    from accessibility.voices.wav import synthesize

    best = (0.0, "")
    with tempfile.TemporaryDirectory(prefix="lotse-bench-speech-") as tmp:
        for i, text in enumerate(sorted(texts)):
            info = synthesize(speakable(text, lang), lang, Path(tmp) / f"{i}.wav")
            best = max(best, (info.duration_s, text))
    return best


def run(routes: int, langs: list[str], verbosities: list[str], wav: bool) -> dict:
    net = load_network(SHARED_OSM / "kaiserslautern_cc.osm.gz",
                       cache_dir=PROJECT_ROOT / "var" / "cache" / "tests")
    router, plan = Router(net), load_plan()
    out: dict = {}
    for lang in langs:
        for verbosity in verbosities:
            shares, talk, walked, messages, chains, no_arrival = [], 0.0, 0.0, 0, 0, 0
            texts: set[str] = set()
            started = time.perf_counter()
            for origin, destination in ROUTES[:routes]:
                w = walk_route(router, plan, origin, destination, lang=lang,
                               verbosity=verbosity)
                said = w.result.announcements
                shares.append(w.talk_share)
                talk += w.talk_s
                walked += w.result.duration_s
                messages += len(said)
                chains += sum(THEN[lang] in a["text"] for a in said)
                no_arrival += not (said and said[-1]["kind"] == "arrival")
                texts |= {a["text"] for a in said if a["kind"] in SPOKEN_KINDS}
            row = {
                "routes": min(routes, len(ROUTES)),
                "talk_share_pct": {k.removesuffix("_s"): v if k == "n" else round(100 * v, 1)
                                   for k, v in summary(shares, unit="s").items()},
                "talk_share_total_pct": round(100 * talk / walked, 1),
                "messages_per_min": round(messages / (walked / 60), 2),
                "chained_share_pct": round(100 * chains / max(messages, 1), 1),
                "walks_without_arrival": no_arrival,
                "bench_s": round(time.perf_counter() - started, 1),
            }
            if wav:
                seconds, text = longest_wav_s(texts, lang)
                row["longest_instruction_s"] = round(seconds, 2)
                row["longest_instruction"] = text
            out[f"{lang}/{verbosity}"] = row
            print(f"{lang}/{verbosity}: {json.dumps(row, ensure_ascii=False)}", flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--routes", type=int, default=len(ROUTES))
    ap.add_argument("--langs", nargs="+", default=["de", "en"], choices=["de", "en"])
    ap.add_argument("--verbosity", nargs="+", default=["normal", "brief"],
                    choices=["brief", "normal", "detailed"])
    ap.add_argument("--wav", action="store_true", help="measure the longest on real WAVs")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    if args.routes < 1:
        ap.error("--routes must be at least 1")
    result = run(args.routes, args.langs, args.verbosity, args.wav)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
