"""Inbound tests never reach a real vendor: unless a test installs its fake, calls are refused."""

from __future__ import annotations

import httpx

from app.inbound import fetch


def _no_network(request: httpx.Request) -> httpx.Response:
    return httpx.Response(599, text=f"tests do not call {request.url.host}")


# Module level, not a fixture: a job left running by one test may fetch after it ended.
fetch.TRANSPORT = httpx.MockTransport(_no_network)
