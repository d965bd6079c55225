"""The generic import reports each bad line and keeps the good ones."""

from __future__ import annotations

from connectors.generic import GenericConnector
from tests.connectors.conftest import fixture


def test_json_lines_report_per_line_errors() -> None:
    result = GenericConnector().parse_report(fixture("generic/records.jsonl"))
    assert [r.source_record_id for r in result.records] == ["R-1001", "R-1005"]
    errors = {e.line: e.message for e in result.errors}
    assert set(errors) == {3, 4, 5}
    assert "departure is before arrival" in errors[3]
    assert "favourite_colour" in errors[4]
    assert "JSON" in errors[5] or "delimiter" in errors[5]


def test_csv_dotted_headers_nest_and_type() -> None:
    result = GenericConnector().parse_report(fixture("generic/records.csv"))
    first = result.records[0]
    assert first.address is not None and first.address.city == "Berlin"
    assert first.preferences == {"smoking": False, "floor": "high"}
    assert first.stay is not None and first.stay.rate_amount == 540.0
    assert [r.source_record_id for r in result.records] == ["R-2001", "R-2003"]
    assert [e.line for e in result.errors] == [3, 5]  # bad date, lower-case currency


def test_json_array_defaults_source_and_numbers_items() -> None:
    result = GenericConnector().parse_report(fixture("generic/records_array.json"))
    assert [r.source for r in result.records] == ["import", "import"]
    assert [(e.line, e.message) for e in result.errors] == [(3, "expected a JSON object")]


def test_not_utf8_is_one_clear_error() -> None:
    result = GenericConnector().parse_report(b"\xff\xfe\x00bad")
    assert result.records == [] and result.errors[0].line == 0
