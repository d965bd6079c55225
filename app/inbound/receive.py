"""Inbound deliveries: find the connection, verify, store card-free, enqueue — then 202."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.errors import Problem
from app.inbound import repository
from app.inbound.connections import WEBHOOK_SECRET, uses_url_token
from app.inbound.secrets import decrypt_credentials, same_hash, token_hash
from app.models import Connection, InboundEvent
from app.worker.queue import enqueue
from connectors.base import Connector, Delivery
from connectors.cards import sanitise_raw
from connectors.common import body_id
from connectors.registry import CONNECTORS
from connectors.text import strip_controls

JOB_KIND = "inbound.process"
MAX_EVENT_ID = 200


def _unknown() -> Problem:
    # One answer for an unknown source, an unknown token and another source's token: no oracle.
    return Problem(404, "not-found", "Not found", "no such webhook endpoint")


async def find_connection(
    session: AsyncSession, secret_key: str, source: str, token: str
) -> Connection:
    """The enabled connection behind a URL token of `source`, else 404."""
    hashed = token_hash(secret_key, token)
    # The lookup is by keyed hash, so its timing says nothing about real tokens.
    conn = await repository.connection_by_token_hash(session, hashed)
    if conn is None or not same_hash(conn.token_hash, hashed):
        raise _unknown()
    if conn.source != source or not conn.enabled or source not in CONNECTORS:
        raise _unknown()
    return conn


def _verified(
    connector: Connector, conn: Connection, secret_key: str, token: str, delivery: Delivery
) -> bool:
    if uses_url_token(conn.source):
        # The path token already matched; the connector checks it in its own query parameter.
        param = str(getattr(connector, "token_param", "token"))
        delivery = delivery.model_copy(update={"query": {**delivery.query, param: token}})
        secret = token
    else:
        secret = decrypt_credentials(secret_key, conn.credentials).get(WEBHOOK_SECRET, "")
    try:
        return connector.verify(delivery, secret)
    except Exception:  # a body the verifier chokes on is not authentic
        return False


def _event_id(connector: Connector, delivery: Delivery) -> str:
    try:
        found = connector.event_id(delivery)
    except Exception:  # unparsable bodies are still stored once, keyed by their bytes
        found = body_id(delivery.body)
    # An id with control characters (NUL cannot be stored in PostgreSQL) is kept as its hash.
    if len(found) > MAX_EVENT_ID or strip_controls(found) != found:
        found = "sha256:" + hashlib.sha256(found.encode()).hexdigest()
    return found


async def receive(
    session: AsyncSession,
    secret_key: str,
    source: str,
    token: str,
    headers: Mapping[str, str],
    body: bytes,
    query: Mapping[str, str],
) -> tuple[InboundEvent, bool]:
    """Store a verified delivery once and queue its processing; (event, was duplicate)."""
    conn = await find_connection(session, secret_key, source, token)
    connector = CONNECTORS[source]()
    delivery = Delivery(headers=dict(headers), body=body, query=dict(query))
    if not _verified(connector, conn, secret_key, token, delivery):
        raise Problem(401, "invalid-signature", "Delivery not authenticated")
    event_id = _event_id(connector, delivery)
    existing = await repository.find_event(session, conn.tenant_id, source, event_id)
    if existing is not None:
        return existing, True
    event = InboundEvent(
        tenant_id=conn.tenant_id,
        connection_id=conn.id,
        source=source,
        event_id=event_id,
        # A raw NUL byte (no valid JSON or XML holds one) would make PostgreSQL refuse the row.
        body=sanitise_raw(body).decode("utf-8", errors="replace").replace("\x00", ""),
    )
    session.add(event)
    await session.flush()
    enqueue(session, conn.tenant_id, JOB_KIND, {"inbound_event_id": event.id})
    return event, False
