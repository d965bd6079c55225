"""A real HTTP receiver on 127.0.0.1 (uvicorn in a thread), one inbox per URL path."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from standardwebhooks import Webhook


@dataclass(frozen=True)
class Reply:
    """What the receiver answers: a status, headers, after a delay."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    body: bytes = b'{"ok":true}'


@dataclass
class Received:
    """One request as it arrived, and what it was answered."""

    headers: dict[str, str]
    body: bytes
    at: float
    status: int | None = None

    @property
    def webhook_id(self) -> str:
        return self.headers.get("webhook-id", "")

    def verify(self, secret: str) -> Any:
        """The parsed payload if `standardwebhooks` accepts the signature (raises otherwise)."""
        return Webhook(secret).verify(self.body, self.headers)


Behaviour = Callable[[int, Received], Reply]  # (1-based request number, request) -> reply


def always(status: int = 200, **reply: Any) -> Behaviour:
    """The same answer every time."""
    return lambda _n, _r: Reply(status, **reply)


def sequence(*replies: Reply) -> Behaviour:
    """The given answers in turn, then the last one forever."""
    return lambda n, _r: replies[min(n, len(replies)) - 1]


@dataclass
class Inbox:
    """The requests one URL received."""

    url: str
    behaviour: Behaviour
    requests: list[Received] = field(default_factory=list)

    def accepted(self) -> list[Received]:
        """Requests answered with a 2xx (what a receiver would have processed)."""
        return [r for r in list(self.requests) if r.status is not None and 200 <= r.status < 300]

    def accepted_ids(self) -> set[str]:
        return {r.webhook_id for r in self.accepted()}

    async def wait_for(self, count: int, seconds: float = 15.0, wake: Any = None) -> list[Received]:
        """Wait until `count` requests were accepted; the accepted requests."""
        deadline = time.monotonic() + seconds
        while len(self.accepted()) < count:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{len(self.accepted())} of {count} accepted; {len(self.requests)} requests"
                )
            if wake is not None:
                wake()
            await asyncio.sleep(0.05)
        return self.accepted()

    async def wait_requests(self, count: int, seconds: float = 15.0) -> list[Received]:
        """Wait until `count` requests arrived and were answered, whatever the answer."""
        deadline = time.monotonic() + seconds
        while sum(1 for r in list(self.requests) if r.status is not None) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(self.requests)} of {count} requests")
            await asyncio.sleep(0.05)
        return list(self.requests)


class Receiver:
    """An ASGI app serving every inbox, run by uvicorn on its own thread and loop."""

    def __init__(self) -> None:
        self.inboxes: dict[str, Inbox] = {}
        self._lock = threading.Lock()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        config = uvicorn.Config(
            self, lifespan="off", log_level="error", access_log=False, timeout_graceful_shutdown=1
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("receiver did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=5)

    def inbox(self, behaviour: Behaviour | None = None) -> Inbox:
        """A fresh URL on this receiver."""
        path = f"/hooks/{uuid.uuid4().hex}"
        box = Inbox(f"http://127.0.0.1:{self.port}{path}", behaviour or always(200))
        self.inboxes[path] = box
        return box

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        body = b""
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                # The sender died mid-request (a killed worker): nothing was delivered, and a
                # server never hands a cut-off body to its application.
                return
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        box = self.inboxes.get(scope["path"])
        if box is None:
            await _respond(send, Reply(404))
            return
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        got = Received(headers, body, time.monotonic())
        with self._lock:
            box.requests.append(got)
            reply = box.behaviour(len(box.requests), got)
        if reply.delay:
            await asyncio.sleep(reply.delay)
        got.status = reply.status
        await _respond(send, reply)


async def _respond(send: Any, reply: Reply) -> None:
    headers = [(k.encode(), v.encode()) for k, v in reply.headers.items()]
    headers.append((b"content-type", b"application/json"))
    await send({"type": "http.response.start", "status": reply.status, "headers": headers})
    await send({"type": "http.response.body", "body": reply.body})
