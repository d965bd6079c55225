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
