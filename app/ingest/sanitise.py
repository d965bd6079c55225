"""What never reaches storage: card data, and readable identity-document numbers."""

from __future__ import annotations

from app.core.security import keyed_hash
from app.resolution import canonical_document
from connectors.base import GuestRecord
from connectors.cards import is_card_field, may_hold_card_number, scrub


def _may_hold_card_data(record: GuestRecord) -> bool:
    # Preferences are the record's only free-form keys; the rest are fixed field names.
    if record.preferences and any(is_card_field(k) for k in record.preferences):
        return True
    dumped = record.model_dump_json(exclude_none=True)
    # JSON writes a control character as "\u001f", which splits a run of digits that the full
    # scan, stripping control characters first, reads as one card: such a text is scanned.
    return may_hold_card_number(dumped) or "\\u00" in dumped


def sanitise(record: GuestRecord, secret_key: str) -> GuestRecord:
    """Strip card data and replace a document number by its keyed hash."""
    if _may_hold_card_data(record):
        dumped = record.model_dump(mode="json", exclude_none=True)
        record = GuestRecord.model_validate(scrub(dumped))
    if record.document is None:
        return record
    doc = record.document
    digest = keyed_hash(
        secret_key, "document", canonical_document(doc.type, doc.country, doc.number)
    )
    return record.model_copy(update={"document": doc.model_copy(update={"number": "h:" + digest})})
