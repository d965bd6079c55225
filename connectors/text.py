"""Characters no stored text may hold."""

from __future__ import annotations

import re

# C0 control characters but tab, newline and carriage return. PostgreSQL text refuses NUL (the
# record would fail in the worker, after the delivery was acknowledged), and none of them means
# anything in a guest's data; the API refuses NUL instead, but a vendor cannot be told.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def strip_controls(value: str) -> str:
    """`value` without C0 control characters (tab, newline and carriage return stay)."""
    return _CONTROLS.sub("", value)
