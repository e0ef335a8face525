"""The repository's evaluation package, importable from these tests without the repository root on sys.path.

Only its modules that import no service (the judging rule, the dev set's loader) are imported in process; the
harness, which imports ingest, workspace and questions together, runs in a process of its own.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

EVALUATION = Path(__file__).resolve().parents[4] / "evaluation"

if "evaluation" not in sys.modules:
    _spec = importlib.util.spec_from_file_location("evaluation", EVALUATION / "__init__.py",
                                                   submodule_search_locations=[str(EVALUATION)])
    _package = importlib.util.module_from_spec(_spec)
    sys.modules["evaluation"] = _package
    _spec.loader.exec_module(_package)
