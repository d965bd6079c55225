"""What never reaches storage: card data, and readable identity-document numbers."""

from __future__ import annotations

from app.core.security import keyed_hash
from app.resolution import canonical_document
from connectors.base import GuestRecord
from connectors.cards import scrub


def sanitise(record: GuestRecord, secret_key: str) -> GuestRecord:
    """Strip card data and replace a document number by its keyed hash."""
    record = GuestRecord.model_validate(scrub(record.model_dump(mode="json", exclude_none=True)))
    if record.document is None:
        return record
    doc = record.document
    digest = keyed_hash(
        secret_key, "document", canonical_document(doc.type, doc.country, doc.number)
    )
    return record.model_copy(update={"document": doc.model_copy(update={"number": "h:" + digest})})
