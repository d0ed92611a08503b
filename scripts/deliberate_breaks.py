"""Break the code on purpose, one way at a time, and check that a test notices.

Each break is a small textual patch to the source (a mirrored turn, a swapped arrival side, a
cheaper silent traffic light, ...) with the tests meant to catch it. The script copies the
working tree (committed and uncommitted files) to a temporary folder, checks that the target
tests pass there unbroken, then for each break patches the copy, runs its target tests, records
which of them failed and puts the file back. The real tree is never touched.

    .venv/bin/python scripts/deliberate_breaks.py            # every break
    .venv/bin/python scripts/deliberate_breaks.py --list     # names, files and target tests
    .venv/bin/python scripts/deliberate_breaks.py mirror-turns no-settle

Exit status 0 only when every chosen break made at least one target test fail. A patch whose
text is no longer in its file is reported as "stale" (and fails the run): the code moved, and
the break must be rewritten for it. Not part of `make test` (it runs the target tests once per
break); the target tests themselves are.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TURNS = "tests/routing/test_pinned_turns.py"
HAPTICS = "tests/mobile/engine/test_pinned_haptics.py"
CROSSING_COSTS = "tests/routing/test_pinned_crossing_costs.py"
POSITIONING = "tests/mobile/engine/test_pinned_positioning.py"
REPLAY = "tests/triplog/test_pinned_replay_reroute.py"
ROUTE_CUES = "tests/mobile/engine/test_engine_route_cues.py"
GUIDANCE = "tests/mobile/engine/test_engine_guidance.py"


@dataclass(frozen=True)
class Break:
    """One deliberate fault: replace each ``old`` by its ``new`` in ``path``."""

    name: str
    what: str
    path: str
    patches: tuple[tuple[str, str], ...]
    tests: tuple[str, ...]


BREAKS: tuple[Break, ...] = (
    Break("mirror-turns", "every turn angle mirrored: left turns become right turns, the "
          "clock, the words and the haptic pattern with them",
          "routing_service/maneuvers.py",
          (("angle = _signed(out_heading - leg.head_end[i - 1])",
            "angle = _signed(leg.head_end[i - 1] - out_heading)"),),
          (TURNS, HAPTICS)),
    Break("mirror-turn-words", "the turn word mirrored (the angle and clock stay right)",
          "accessibility/phrasing.py",
          (('side = "right" if angle_deg > 0 else "left"',
            'side = "left" if angle_deg > 0 else "right"'),),
          (TURNS, HAPTICS)),
    Break("mirror-clock", "the clock face mirrored (a left turn said at 3 o'clock)",
          "accessibility/units.py",
          (("hour = round((angle_deg % 360) / 30) % 12",
            "hour = round((-angle_deg % 360) / 30) % 12"),),
          (TURNS,)),
    Break("mirror-haptics", "the vibration of a left turn is the right pattern and vice versa",
          "accessibility/haptics.py",
          (('turn.endswith("left"):\n        return Pattern.LEFT',
            'turn.endswith("left"):\n        return Pattern.RIGHT'),
           ('turn.endswith("right"):\n        return Pattern.RIGHT',
            'turn.endswith("right"):\n        return Pattern.LEFT')),
          (HAPTICS, "tests/accessibility/test_haptics.py")),
    Break("swap-arrival-side", "the destination's side at arrival swapped",
          "routing_service/maneuvers.py",
          (('side = "left" if cross > 0 else "right"', 'side = "right" if cross > 0 else "left"'),),
          (TURNS,)),
    Break("silent-signals-cheaper", "silent traffic lights cheaper than acoustic ones (blind)",
          "routing_service/costs.py",
          (('"signals": 40.0,', '"signals": 4.0,'),),
          (CROSSING_COSTS,)),
    Break("crossing-charged-twice", "a crossing charged on the edge entering its node and "
          "again on the crossing way's next edge",
          "routing_service/costs.py",
          (("np.where(first, way_crossing, None))", "way_crossing)"),),
          (CROSSING_COSTS,)),
    Break("bare-crossing-charged-twice", "a crossing way without a tagged node charged on "
          "both of its halves",
          "routing_service/costs.py",
          (("first = (node_crossing[u] == None) & (ways_in[u] - on_way == 0)",
            "first = node_crossing[u] == None"),),
          (CROSSING_COSTS,)),
    Break("constant-uncertainty", "the position uncertainty replaced by a constant 3 m "
          "(beacon and GPS fixes)",
          "mobile/positioning/beacons.py",
          (('g.x, g.y, round(max(g.radius_m, 1.0), 1), "beacon"', 'g.x, g.y, 3.0, "beacon"'),
           ('round(radius, 1), "gps")', '3.0, "gps")')),
          (POSITIONING,)),
    Break("no-settle", "no settle time: off-route is judged from the first fix of a walk",
          "mobile/positioning/route_match.py",
          (("settle_s: float = 5.0", "settle_s: float = 0.0"),),
          (POSITIONING,)),
    Break("first-packet-alone", "a beacon's first packet weighed without the silence before it",
          "mobile/positioning/hearing.py",
          (("if not first or back < 1.0", "if first or not first or back < 1.0"),),
          (ROUTE_CUES,)),
    Break("hearing-not-learnt", "the phone's chance of hearing a near beacon stays at its prior",
          "mobile/positioning/hearing.py",
          (("self._near_seconds += 1.0", "self._near_seconds += 0.0"),
           ("self._near_heard += key in heard", "self._near_heard += 0.0")),
          (ROUTE_CUES,)),
    Break("depart-chains-6m", "only a point within instruction_m of the start is said with the "
          "departure, not one within chain_m",
          "mobile/guidance/decision_callouts.py",
          (("chainable(m) and m.at_m < self.decisions.tm.chain_m]",
            "chainable(m) and m.at_m < self.decisions.tm.instruction_m]"),),
          (GUIDANCE,)),
    Break("replay-ignores-reroutes", "the re-run of a log drops the re-routes the walk received",
          "tester_log/review/replay.py",
          (("return RerunSetup(routes[0] if routes else None, routes[1:],",
            "return RerunSetup(routes[0] if routes else None, [],"),),
          (REPLAY,)),
)

TEST_ENV = {"SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy", "KIVY_NO_ARGS": "1",
            "KIVY_NO_CONSOLELOG": "1"}


@dataclass
class Outcome:
    name: str
    status: str  # "caught", "MISSED", "stale", "error"
    failed: list[str]
    seconds: float


def copy_tree(dest: Path) -> Path:
    """The working tree's files (tracked and untracked, not ignored) under ``dest/<name>``,
    with the shared data folder beside it as the settings expect (``../shared``)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others",
                             "--exclude-standard"], cwd=ROOT, check=True,
                            capture_output=True).stdout.decode().split("\0")
    tree = dest / ROOT.name
    for rel in filter(None, listed):
        src = ROOT / rel
        if rel == ".venv" or not src.is_file():
            continue
        target = tree / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target)
    if (ROOT / "var" / "cache").is_dir():  # compiled graphs: keyed by content, safe to reuse
        shutil.copytree(ROOT / "var" / "cache", tree / "var" / "cache")
    shared = ROOT.parent / "shared"
    if shared.exists():
        (dest / "shared").symlink_to(shared.resolve())
    return tree


def run_tests(tree: Path, tests: tuple[str, ...]) -> tuple[int, list[str], str]:
    """pytest on ``tests`` in ``tree``: (exit code, failed test ids, output tail)."""
    env = {**os.environ, **TEST_ENV, "PYTHONPATH": str(tree)}
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rfE", "-p",
                           "no:cacheprovider", *tests], cwd=tree, env=env,
                          capture_output=True, text=True)
    failed = re.findall(r"^(?:FAILED|ERROR) (\S+)", proc.stdout, flags=re.M)
    return proc.returncode, failed, "\n".join(proc.stdout.splitlines()[-15:])


def try_break(tree: Path, brk: Break, verbose: bool) -> Outcome:
    path = tree / brk.path
    original = path.read_text(encoding="utf-8")
    broken = original
    for old, new in brk.patches:
        if broken.count(old) != 1:
            return Outcome(brk.name, "stale", [f"{old!r} occurs {broken.count(old)}x in "
                                               f"{brk.path}"], 0.0)
        broken = broken.replace(old, new)
    started = time.perf_counter()
    path.write_text(broken, encoding="utf-8")
    try:
        code, failed, tail = run_tests(tree, brk.tests)
    finally:
        path.write_text(original, encoding="utf-8")
    seconds = time.perf_counter() - started
    if verbose:
        print(tail)
    # 1: tests failed (caught); 0: all passed (missed); anything else: pytest itself broke
    status = {0: "MISSED", 1: "caught"}.get(code, "error")
    return Outcome(brk.name, status, failed, seconds)


def summary(failed: list[str]) -> str:
    """Failed tests by function, parameters counted: "file.py::test_x (16)"."""
    counts: dict[str, int] = {}
    for test_id in failed:
        function = test_id.split("[")[0]
        counts[function] = counts.get(function, 0) + 1
    return "; ".join(f"{f} ({n})" if n > 1 else f for f, n in counts.items()) or "-"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="breaks to try (default: all)")
    parser.add_argument("--list", action="store_true", help="list the breaks and exit")
    parser.add_argument("--verbose", action="store_true", help="show pytest's output tail")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copy")
    args = parser.parse_args(argv)
    by_name = {b.name: b for b in BREAKS}
    if args.list:
        for b in BREAKS:
            print(f"{b.name}: {b.what}\n    {b.path} -> {', '.join(b.tests)}")
        return 0
    unknown = [n for n in args.names if n not in by_name]
    if unknown:
        parser.error(f"unknown break {', '.join(unknown)}; see --list")
    chosen = [by_name[n] for n in args.names] or list(BREAKS)
    tmp = Path(tempfile.mkdtemp(prefix="lotse-breaks-"))
    try:
        tree = copy_tree(tmp)
        targets = tuple(dict.fromkeys(t for b in chosen for t in b.tests))
        code, failed, tail = run_tests(tree, targets)
        if code != 0:
            print(f"the target tests fail without any break ({failed or 'pytest error'}):\n"
                  f"{tail}")
            return 2
        outcomes = [try_break(tree, b, args.verbose) for b in chosen]
    finally:
        if args.keep:
            print(f"copy kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    for o in outcomes:
        print(f"{o.status:7} {o.name:28} {o.seconds:5.1f} s  {summary(o.failed)}")
    missed = [o.name for o in outcomes if o.status != "caught"]
    print(f"{len(outcomes) - len(missed)} of {len(outcomes)} breaks caught"
          + (f"; not caught: {', '.join(missed)}" if missed else ""))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
