"""Every deliberate break of scripts/deliberate_breaks.py still applies to today's code.

The script itself runs for minutes and is not part of the suite; this check is, so a patch whose
text moved away (a rename, a rewrite) is noticed at once instead of silently testing nothing.
"""

from __future__ import annotations

import importlib.util
import sys

import pytest

from lotse_common.settings import PROJECT_ROOT

_spec = importlib.util.spec_from_file_location(
    "deliberate_breaks", PROJECT_ROOT / "scripts" / "deliberate_breaks.py")
breaks = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = breaks  # dataclasses look their module up there
_spec.loader.exec_module(breaks)


@pytest.mark.parametrize("brk", breaks.BREAKS, ids=lambda b: b.name)
def test_break_applies_and_names_existing_tests(brk):
    source = (PROJECT_ROOT / brk.path).read_text(encoding="utf-8")
    for old, new in brk.patches:
        assert source.count(old) == 1, f"{brk.name}: {old!r} is not once in {brk.path}"
        assert new != old and new not in source
    for test in brk.tests:
        assert (PROJECT_ROOT / test).is_file(), f"{brk.name}: no test file {test}"


def test_break_names_are_unique():
    names = [b.name for b in breaks.BREAKS]
    assert len(names) == len(set(names)) >= 11
