"""Pure rules of delivery: the retry schedule, Retry-After, signatures and message bodies."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from standardwebhooks import Webhook

from app.models import Event
from app.webhooks.catalogue import message_body, message_id
from app.webhooks.outcomes import Schedule
from app.webhooks.sender import parse_retry_after
from app.webhooks.signing import new_secret, signature_header


def test_the_schedule_jitters_within_bounds_and_gives_up_after_the_last_step() -> None:
    schedule = Schedule((0, 5, 300), 0.2, 5, timedelta(days=5))
    for _ in range(200):
        delay = schedule.delay_after(2)
        assert delay is not None and 240 <= delay <= 360
    assert schedule.delay_after(0) == 0
    assert schedule.delay_after(3) is None
    assert schedule.longest_wait == 300


def test_retry_after_reads_seconds_and_http_dates_and_ignores_garbage() -> None:
    assert parse_retry_after("120") == 120
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    parsed = parse_retry_after(later)
    assert parsed is not None and 80 <= parsed <= 91
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0  # in the past: now
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_signatures_verify_with_the_reference_library_for_every_live_secret() -> None:
    secrets = [new_secret(), new_secret()]
    body = '{"type":"guest.created","data":{"name":"Zoë"}}'.encode()
    timestamp = int(datetime.now(UTC).timestamp())
    header = signature_header(secrets, "msg_1", timestamp, body)
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(timestamp),
        "webhook-signature": header,
    }
    for secret in secrets:
        assert Webhook(secret).verify(body, headers)["data"]["name"] == "Zoë"


def test_the_message_body_carries_type_event_time_and_data() -> None:
    event = Event(
        id="0b6f3c1e-1111-2222-3333-444455556666",
        tenant_id="t",
        type="guest.merged",
        profile_id="p1",
        payload={"survivor_id": "p1", "merged_id": "p2"},
        created_at=datetime(2026, 11, 23, 9, 30, 0, 123456, tzinfo=UTC),
    )
    assert json.loads(message_body(event)) == {
        "type": "guest.merged",
        "timestamp": "2026-11-23T09:30:00.123456Z",
        "data": {"survivor_id": "p1", "merged_id": "p2", "profile_id": "p1"},
    }
    assert message_id(event.id) == "msg_0b6f3c1e111122223333444455556666"
