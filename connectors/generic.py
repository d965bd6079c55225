"""Generic import: the GuestRecord itself as JSON, JSON array, JSON Lines or dotted-header CSV."""

from __future__ import annotations

import base64
import csv
import hashlib
import hmac
import io
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from connectors.base import Delivery, GuestRecord
from connectors.cards import scrub
from connectors.common import body_id, header, to_bool, without_controls

TOLERANCE = 300  # seconds of clock skew accepted on webhook-timestamp (Standard Webhooks)


@dataclass(frozen=True)
class LineError:
    """Why one line (JSON Lines/CSV) or item (JSON array, 1-based) was refused."""

    line: int
    message: str


@dataclass
class ParseResult:
    """The records that passed and the per-line errors of the rest."""

    records: list[GuestRecord] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)


def _describe(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'record'}: {e['msg']}" for e in exc.errors()
        )
    return str(exc)


def _nest(row: dict[str, str]) -> dict[str, Any]:
    """Dotted CSV headers (address.city, stay.arrival) to nested objects; blanks left out."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key is None or value is None or not str(value).strip():
            continue
        parts = key.strip().split(".")
        node = out
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ValueError(f"column {key!r} clashes with column {part!r}")
        node[parts[-1]] = value.strip()
    if isinstance(out.get("preferences"), dict):
        out["preferences"] = {k: _scalar(v) for k, v in out["preferences"].items()}
    return out


def _same(value: Any) -> Any:
    return value


def _scalar(value: str) -> str | bool | int | float:
    # CSV has no types: "false" must become a boolean preference, "3" a number.
    flag = to_bool(value)
    if flag is not None and value.lower() in {"true", "false"}:
        return flag
    for kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            pass
    return value


class GenericConnector:
    """Our own format; deliveries are signed the Standard Webhooks way."""

    source = "import"

    def __init__(self, **options: object) -> None:
        """Takes the registry's options and needs none: it neither pulls nor fetches."""

    def verify(self, delivery: Delivery, secret: str, now: Callable[[], float] = time.time) -> bool:
        """Standard Webhooks: HMAC-SHA256 of '{id}.{timestamp}.{body}' with the whsec_ secret."""
        msg_id = header(delivery.headers, "webhook-id")
        stamp = header(delivery.headers, "webhook-timestamp")
        signatures = header(delivery.headers, "webhook-signature")
        if not (msg_id and stamp and signatures and stamp.isdigit()):
            return False
        if abs(now() - int(stamp)) > TOLERANCE:
            return False  # an old signature replayed
        try:
            key = base64.b64decode(secret.removeprefix("whsec_"), validate=True)
        except ValueError:
            return False
        signed = f"{msg_id}.{stamp}.".encode() + delivery.body
        expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        ok = False
        for candidate in signatures.split():  # several during secret rotation
            version, _, value = candidate.partition(",")
            ok |= version == "v1" and hmac.compare_digest(value.encode(), expected.encode())
        return ok

    def event_id(self, delivery: Delivery) -> str:
        """The webhook-id header, else a hash of the body."""
        return header(delivery.headers, "webhook-id") or body_id(delivery.body)

    def parse(self, payload: bytes) -> Sequence[GuestRecord]:
        """The valid records; call `parse_report` to get the per-line errors too."""
        return self.parse_report(payload).records

    def parse_report(self, payload: bytes) -> ParseResult:
        """Every record that validates, and a LineError for each one that does not."""
        try:
            text = payload.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return ParseResult(errors=[LineError(0, f"not UTF-8: {exc}")])
        stripped = text.lstrip()
        if stripped.startswith("["):
            return self._json_array(text)
        if stripped.startswith("{"):
            try:
                single = json.loads(text)
            except ValueError:
                return self._json_lines(text)
            return self._collect([(1, single)], _same)
        return self._csv(text)

    def _json_array(self, text: str) -> ParseResult:
        try:
            items = json.loads(text)
        except ValueError as exc:
            return ParseResult(errors=[LineError(1, f"invalid JSON: {exc}")])
        if not isinstance(items, list):
            return ParseResult(errors=[LineError(1, "expected a JSON array")])
        return self._collect(list(enumerate(items, start=1)), _same)

    def _json_lines(self, text: str) -> ParseResult:
        rows = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
        return self._collect(rows, json.loads)

    def _csv(self, text: str) -> ParseResult:
        reader = csv.DictReader(io.StringIO(text))
        # The reader's line_num is where a row ended: quoted newlines span lines.
        rows = [(reader.line_num, row) for row in reader]
        return self._collect(rows, _nest)

    def _collect(self, rows: list[tuple[int, Any]], load: Callable[[Any], Any]) -> ParseResult:
        result = ParseResult()
        for line, raw in rows:
            try:
                data = scrub(without_controls(load(raw)))
                if not isinstance(data, dict):
                    raise ValueError("expected a JSON object")
                data.setdefault("source", self.source)
                result.records.append(GuestRecord.model_validate(data))
            except (ValueError, ValidationError) as exc:
                result.errors.append(LineError(line, _describe(exc)))
        return result
