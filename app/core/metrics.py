"""Prometheus metrics of the service."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

RECORDS_INGESTED = Counter(
    "guestid_records_ingested_total", "Records ingested, by outcome", ["outcome"]
)
RESOLUTION_SECONDS = Histogram(
    "guestid_resolution_seconds",
    "Time to store and resolve one record",
    buckets=(0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0),
)
HTTP_REQUESTS = Counter(
    "guestid_http_requests_total",
    "HTTP requests, by route and status",
    ["method", "route", "status"],
)
HTTP_SECONDS = Histogram("guestid_http_request_seconds", "HTTP request latency", ["route"])
JOBS_RUN = Counter(
    "guestid_jobs_total", "Background jobs run, by kind and result", ["kind", "result"]
)
WEBHOOK_EVENTS_DISPATCHED = Counter(
    "guestid_webhook_events_dispatched_total", "Outbox events turned into webhook messages"
)
WEBHOOK_ATTEMPTS = Counter(
    "guestid_webhook_attempts_total",
    "Webhook delivery attempts, by what the delivery became",
    ["result"],
)
WEBHOOK_ATTEMPT_SECONDS = Histogram(
    "guestid_webhook_attempt_seconds",
    "Duration of one webhook POST",
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 15.0, 30.0),
)
WEBHOOK_EVENT_LAG_SECONDS = Histogram(
    "guestid_webhook_event_lag_seconds",
    "From the event's commit to its webhook's 2xx",
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 30.0, 300.0, 3600.0, 36000.0),
)
WEBHOOK_ENDPOINTS_DISABLED = Counter(
    "guestid_webhook_endpoints_disabled_total", "Endpoints disabled automatically", ["reason"]
)
