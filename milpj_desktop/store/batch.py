"""Hand a whole batch to SQLite as one JSON parameter, read there with json_each(?).

One statement then does the work of an executemany without going back to Python between rows:
the GIL stays released for the whole batch, which matters when another thread is busy.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any


def json_param(values: Sequence[Any]) -> str:
    return json.dumps(values, ensure_ascii=False, separators=(",", ":"))
