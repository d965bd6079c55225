"""Outbound webhooks: signed, retried, at-least-once deliveries of outbox events."""
