"""Parse an ingest body into records, reporting every bad item with a JSON pointer."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from app.core.errors import Problem, validation_errors
from app.ingest.emails import email_problem
from app.resolution.phones import read_phone
from connectors.base import GuestRecord


@dataclass
class ParsedBatch:
    """The records of a body, whether it was a batch, and what was wrong with which item."""

    records: list[GuestRecord] = field(default_factory=list)
    is_batch: bool = False
    errors: list[dict[str, Any]] = field(default_factory=list)


def check_contact_fields(record: GuestRecord) -> list[dict[str, Any]]:
    """Email syntax and phone plausibility, beyond what the schema can say."""
    errors: list[dict[str, Any]] = []
    if record.email and (problem := email_problem(record.email)):
        errors.append({"pointer": "/email", "message": problem, "code": "email_invalid"})
    if record.phone and not _plausible_phone(record.phone):
        errors.append(
            {"pointer": "/phone", "message": "not a phone number", "code": "phone_invalid"}
        )
    return errors


# An office line's extension ("+44 20 7946 0958 ext. 123") is dialled after the number: its
# digits do not count towards the number's length.
_EXTENSION = re.compile(r"(?:ext\.?|x|#)\s*\d{1,6}\s*$", re.IGNORECASE)


def _plausible_phone(raw: str) -> bool:
    if any(ch.isalpha() for ch in raw.replace("ext", "").replace("x", "")):
        return False
    digits = sum(ch.isdigit() for ch in _EXTENSION.sub("", raw))
    if not 5 <= digits <= 17:
        return False
    if raw.lstrip().startswith("+"):
        # The same reading normalising asks for next: libphonenumber parses the number once.
        return read_phone(raw, ()).possible
    return True


def validate_record(
    item: Any, prefix: tuple[str | int, ...] = (), *, strict: bool = False
) -> tuple[GuestRecord | None, list[dict[str, Any]]]:
    """One item as a GuestRecord, or its errors; `strict`: every JSON type as the schema says."""
    if strict and (broken := _unpaired_surrogates(item)):
        # Re-encoded, they would fail as JSON syntax, far from the field that holds them.
        return None, validation_errors(broken, prefix)
    try:
        record = (
            # Pydantic's JSON strict mode: "vip": 1 or "rate_amount": "540" are refused, while
            # ISO date strings (JSON has no date type) are still read as dates.
            GuestRecord.model_validate_json(json.dumps(item), strict=True)
            if strict
            else GuestRecord.model_validate(item)
        )
    except ValidationError as exc:
        return None, validation_errors(list(exc.errors()), prefix)
    errors = check_contact_fields(record)
    for err in errors:
        err["pointer"] = (
            "/" + "/".join(str(p) for p in prefix) + err["pointer"] if prefix else err["pointer"]
        )
    return (None, errors) if errors else (record, [])


def _unpaired_surrogates(item: Any, loc: tuple[str | int, ...] = ()) -> list[dict[str, Any]]:
    """Pydantic errors for text json.loads read but no database stores ("\\ud800" alone)."""
    if isinstance(item, dict):
        # A broken key is reported at its object: the pointer itself must be valid text.
        return [
            e
            for k, v in item.items()
            for e in (_unpaired_surrogates(k, loc) or _unpaired_surrogates(v, (*loc, k)))
        ]
    if isinstance(item, list):
        return [e for i, v in enumerate(item) for e in _unpaired_surrogates(v, (*loc, i))]
    if isinstance(item, str) and not _is_unicode(item):
        message = "Input should be a valid string, unable to parse raw data as a unicode string"
        return [{"loc": loc, "msg": message, "type": "string_unicode"}]
    return []


def _is_unicode(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def parse_body(body: bytes, max_batch: int | None) -> ParsedBatch:
    """A single record object, or a JSON array of up to `max_batch` (None: no arrays).

    API bodies are validated strictly: a client sending JSON gets told about a wrong type
    instead of having it guessed (files for `guestid import` keep the lax coercion CSV needs).
    """
    try:
        doc = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise Problem(400, "malformed-json", "Malformed JSON", str(exc)) from exc
    if isinstance(doc, list) and max_batch is None:
        raise Problem(422, "one-record", "One record expected", "send one record, not an array")
    parsed = ParsedBatch(is_batch=isinstance(doc, list))
    items = doc if isinstance(doc, list) else [doc]
    if parsed.is_batch and not items:
        raise Problem(422, "empty-batch", "Empty batch", "send at least one record")
    if max_batch is not None and len(items) > max_batch:
        raise Problem(
            413,
            "batch-too-large",
            "Batch too large",
            f"a batch holds at most {max_batch} records; this one has {len(items)}",
        )
    seen: set[tuple[str, str]] = set()
    for index, item in enumerate(items):
        prefix: tuple[str | int, ...] = (index,) if parsed.is_batch else ()
        record, errors = validate_record(item, prefix, strict=True)
        if record is not None:
            ident = (record.source, record.source_record_id)
            if ident in seen:
                errors = [
                    {
                        "pointer": "/" + "/".join(map(str, prefix)) + "/source_record_id",
                        "message": "the same record appears twice in this batch",
                        "code": "duplicate_in_batch",
                    }
                ]
            seen.add(ident)
        if errors:
            parsed.errors.append(
                {"index": index, "errors": errors} if parsed.is_batch else {"errors": errors}
            )
        elif record is not None:
            parsed.records.append(record)
    return parsed
