"""One Settings object for the whole service, read from GUESTID_* environment variables."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

_PLACEHOLDERS = {"", "changeme", "change-me", "secret", "dev", "development"}


class Settings(BaseSettings):
    """Service configuration; the defaults are the embedded mode (SQLite, no Redis)."""

    model_config = SettingsConfigDict(env_prefix="GUESTID_", env_file=".env", extra="ignore")

    environment: Literal["development", "production", "test"] = "development"
    data_dir: Path = Path("./var")
    database_url: str = ""  # empty: a SQLite file in data_dir
    redis_url: str | None = None
    secret_key: str = ""  # signs access tokens and keys document hashes
    access_token_ttl_seconds: int = Field(default=900, ge=60, le=86400)
    idempotency_ttl_hours: int = Field(default=48, ge=24)
    max_batch_size: int = 1000
    max_body_bytes: int = 8 * 1024 * 1024
    embedded_worker: bool | None = None  # None: on when no Redis is configured
    worker_concurrency: int = Field(default=4, ge=1, le=64)
    job_lease_seconds: int = Field(default=60, ge=5)
    log_level: str = "INFO"
    log_json: bool = True
    # Outbound webhooks (app/webhooks); lists also read as comma-separated environment values.
    webhook_timeout_seconds: float = Field(default=15.0, gt=0, le=120)
    webhook_retry_schedule: Annotated[list[float], NoDecode] = Field(
        default=[0, 5, 300, 1800, 7200, 18000, 36000, 36000], min_length=1
    )  # seconds before attempt 1, 2, …; the delivery fails after the last
    webhook_retry_jitter: float = Field(default=0.2, ge=0, le=0.5)
    webhook_lease_seconds: float = Field(default=60.0, gt=0)  # at least timeout + 2 s
    webhook_concurrency: int = Field(default=16, ge=1, le=512)  # attempts at once per process
    webhook_poll_seconds: float = Field(default=0.5, gt=0, le=60)
    webhook_throttle_seconds: float = Field(default=5.0, ge=0)  # pause after 429/502/504
    webhook_disable_after_hours: float = Field(default=120.0, gt=0)  # of nothing but failures
    webhook_retention_days: int = Field(default=90, ge=1)
    webhook_allow_hosts: Annotated[list[str], NoDecode] = []  # hosts or CIDRs exempt from SSRF

    @field_validator("webhook_retry_schedule", "webhook_allow_hosts", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().removeprefix("[").removesuffix("]")
            return [part.strip().strip('"') for part in value.split(",") if part.strip()]
        return value

    @field_validator("webhook_retry_schedule")
    @classmethod
    def _non_negative(cls, value: list[float]) -> list[float]:
        if any(step < 0 for step in value):
            raise ValueError("retry delays cannot be negative")
        return value

    @model_validator(mode="after")
    def _fill_defaults(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///{(self.data_dir / 'guestid.sqlite3')}"
        if self.secret_key.strip().lower() in _PLACEHOLDERS:
            if self.environment == "production":
                raise ValueError("GUESTID_SECRET_KEY must be set to a real secret in production")
            self.secret_key = _development_secret(self.data_dir)
        elif len(self.secret_key) < 32:
            raise ValueError("GUESTID_SECRET_KEY must be at least 32 characters")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def runs_embedded_worker(self) -> bool:
        if self.embedded_worker is not None:
            return self.embedded_worker
        return self.redis_url is None


def _development_secret(data_dir: Path) -> str:
    """A per-machine secret kept in the data directory, so a fresh machine just works."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    path.write_text(value)
    path.chmod(0o600)
    return value


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings."""
    return Settings()
