"""Control characters leave vendor data where it becomes a record, before card scrubbing."""

from __future__ import annotations

import json

from connectors.common import make_record, without_controls
from connectors.registry import CONNECTORS


def test_controls_are_removed_from_strings_and_keys_tab_and_newlines_stay() -> None:
    raw = {"a\x00": ["x\x01y", "\x00\x1f"], "b": "line\r\nnext\tcell\x0b", "n": 5}
    assert without_controls(raw) == {"a": ["xy", None], "b": "line\r\nnext\tcell", "n": 5}


def test_a_field_of_nothing_but_controls_is_left_out() -> None:
    record = make_record({"source": "pms", "source_record_id": "R-1", "first_name": "\x00"})
    assert record.first_name is None


def test_a_card_number_split_by_a_nul_is_still_scrubbed() -> None:
    record = make_record(
        {"source": "pms", "source_record_id": "R-1", "special_requests": "4111\x00 1111 1111 1111"}
    )
    assert "1111" not in (record.special_requests or "")


def test_the_generic_connector_strips_them_too() -> None:
    body = json.dumps({"source": "pms", "source_record_id": "R-1", "last_name": "M\x00üller"})
    [record] = CONNECTORS["import"]().parse(body.encode())
    assert record.last_name == "Müller"
