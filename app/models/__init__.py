"""Every table, imported so SQLModel.metadata knows them all."""

from app.models.hint import Hint, HintSettingsRow, UpgradeRule
from app.models.inbound import Connection, InboundEvent
from app.models.matching import MatchModelRow
from app.models.ops import Event, IdempotencyKey, Job
from app.models.profile import (
    DoNotMerge,
    MatchDecision,
    MergeEvent,
    MustLink,
    Profile,
    ReviewItem,
)
from app.models.record import RecordKey, SourceRecord, Stay
from app.models.tenant import ApiClient, Property, Tenant
from app.models.webhooks import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookMessage

__all__ = [
    "ApiClient",
    "Connection",
    "DoNotMerge",
    "Event",
    "Hint",
    "HintSettingsRow",
    "IdempotencyKey",
    "InboundEvent",
    "Job",
    "MatchDecision",
    "MatchModelRow",
    "MergeEvent",
    "MustLink",
    "Profile",
    "Property",
    "RecordKey",
    "ReviewItem",
    "SourceRecord",
    "Stay",
    "Tenant",
    "UpgradeRule",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookMessage",
]
