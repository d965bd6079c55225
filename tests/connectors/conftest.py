"""Shared helpers for connector tests: fixture loading."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "connectors"


def fixture(path: str) -> bytes:
    """Bytes of tests/fixtures/connectors/<path>."""
    return (FIXTURES / path).read_bytes()
