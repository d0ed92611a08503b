"""Make `mobile` the app package, not this test folder.

pytest puts `tests/` on `sys.path` (rootdir conftest, no `__init__.py`), so `import mobile` found
`tests/mobile` as a namespace package before the editable install's finder was asked, and the
UI tests could not import `mobile.app.ui` when run with `.venv/bin/pytest`. The project root first
fixes that without renaming the folder.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
