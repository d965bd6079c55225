"""Social sign-in: OpenID Connect claims (Google, Apple, Microsoft, LinkedIn) and Facebook /me."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from connectors.base import Delivery, GuestRecord
from connectors.common import (
    body_id,
    is_relay_email,
    load_json,
    make_record,
    same_secret,
    text,
    to_bool,
)

ISSUERS = {
    "google": ("https://accounts.google.com", "accounts.google.com"),
    "apple": ("https://appleid.apple.com",),
    "linkedin": ("https://www.linkedin.com/oauth",),
    "facebook": ("https://www.facebook.com",),
}


def _load(payload: bytes) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """(provider, claims, extra) from {"provider", "claims", "user"} or bare claims."""
    data = load_json(payload)
    if not isinstance(data, dict):
        raise ValueError("social payload must be a JSON object")
    claims = data.get("claims", data)
    if not isinstance(claims, dict):
        raise ValueError("claims must be a JSON object")
    named = text(data.get("provider")) or _provider_from_issuer(claims.get("iss")) or ""
    provider = named.lower()
    if not provider:
        raise ValueError("cannot tell the identity provider: give 'provider' or an 'iss' claim")
    user = data.get("user")
    return provider, claims, user if isinstance(user, dict) else {}


def _provider_from_issuer(iss: Any) -> str | None:
    issuer = text(iss) or ""
    if issuer.startswith("https://login.microsoftonline.com/"):
        return "microsoft"
    return next((p for p, known in ISSUERS.items() if issuer in known), None)


def _locale(value: Any) -> str | None:
    if isinstance(value, dict):  # LinkedIn: {"country": "US", "language": "en"}
        return text(value.get("language"))
    return text(value)


class SocialConnector:
    """Claims the app obtained (and signature-checked) through authlib, mapped to a record."""

    source = "social"

    def __init__(self, **options: object) -> None:
        """Takes the registry's options and needs none: it neither pulls nor fetches."""

    def verify(self, delivery: Delivery, secret: str, now: Callable[[], float] = time.time) -> bool:
        """Defence in depth: audience is our client id, issuer fits the provider, not expired."""
        try:
            provider, claims, _ = _load(delivery.body)
        except ValueError:
            return False
        if provider == "facebook" and "aud" not in claims:
            return same_secret(text(claims.get("app_id")), secret)  # Graph debug_token answer
        audiences = claims.get("aud")
        auds = audiences if isinstance(audiences, list) else [audiences]
        if not any(same_secret(text(a), secret) for a in auds):
            return False
        if provider == "microsoft":
            issuer_ok = _provider_from_issuer(claims.get("iss")) == "microsoft"
        else:
            issuer_ok = text(claims.get("iss")) in ISSUERS.get(provider, ())
        exp = claims.get("exp")
        return issuer_ok and isinstance(exp, int | float) and exp > now()

    def event_id(self, delivery: Delivery) -> str:
        """One sign-in: provider, subject and issue time."""
        try:
            record = self.parse(delivery.body)[0]
            _, claims, _ = _load(delivery.body)
        except (ValueError, IndexError):
            return body_id(delivery.body)
        issued = claims.get("iat") or claims.get("auth_time")
        return f"{record.source_record_id}:{issued}" if issued else body_id(delivery.body)

    def parse(self, payload: bytes) -> Sequence[GuestRecord]:
        """One record keyed by the provider's stable subject."""
        provider, claims, user = _load(payload)
        mapper = {
            "google": self._google,
            "apple": self._apple,
            "microsoft": self._microsoft,
            "facebook": self._facebook,
            "linkedin": self._linkedin,
        }.get(provider)
        if mapper is None:
            raise ValueError(f"unknown identity provider {provider!r}")
        return [make_record({"source": self.source, **mapper(claims, user)})]

    def _oidc(self, provider: str, subject: Any, c: Mapping[str, Any]) -> dict[str, Any]:
        email = text(c.get("email"))
        if not text(subject):
            raise ValueError(f"{provider} claims without a subject")
        return {
            "source_record_id": f"{provider}:{subject}",
            "social": {"provider": provider, "subject": str(subject)},
            "first_name": text(c.get("given_name")),
            "last_name": text(c.get("family_name")),
            "full_name": text(c.get("name")),
            "email": email,
            "email_verified": to_bool(c.get("email_verified")) if email else None,
            "email_masked": is_relay_email(email) if email else None,
            "language": _locale(c.get("locale")),
        }

    def _google(self, c: Mapping[str, Any], _: Mapping[str, Any]) -> dict[str, Any]:
        # `sub` is never reassigned; the email can change, so it only helps matching.
        return self._oidc("google", c.get("sub"), c)

    def _apple(self, c: Mapping[str, Any], user: Mapping[str, Any]) -> dict[str, Any]:
        fields = self._oidc("apple", c.get("sub"), c)
        private = to_bool(c.get("is_private_email"))
        fields["email_masked"] = private or fields["email_masked"]
        raw_name = user.get("name")
        name: Mapping[str, Any] = raw_name if isinstance(raw_name, dict) else {}
        # Apple sends the name only on the first sign-in, in the form post, never in claims.
        fields["first_name"] = text(name.get("firstName"))
        fields["last_name"] = text(name.get("lastName"))
        return fields

    def _microsoft(self, c: Mapping[str, Any], _: Mapping[str, Any]) -> dict[str, Any]:
        # `sub` differs per app; oid is the user within the tenant tid.
        oid, tid = text(c.get("oid")), text(c.get("tid"))
        if not oid or not tid:
            raise ValueError("microsoft claims need oid and tid")
        fields = self._oidc("microsoft", oid, c)
        fields["source_record_id"] = f"microsoft:{tid}:{oid}"
        fields["social"] = {"provider": "microsoft", "subject": oid, "tenant": tid}
        # Tenants set the email claim freely: never treat it as verified.
        fields["email"] = fields["email"] or text(c.get("preferred_username"))
        fields["email_verified"] = False if fields["email"] else None
        return fields

    def _facebook(self, c: Mapping[str, Any], _: Mapping[str, Any]) -> dict[str, Any]:
        subject = c.get("id") or c.get("sub")  # Graph /me (app-scoped id) or Limited Login
        fields = self._oidc("facebook", subject, c)
        fields["first_name"] = text(c.get("first_name")) or fields["first_name"]
        fields["last_name"] = text(c.get("last_name")) or fields["last_name"]
        fields["email_verified"] = None  # absent when unconfirmed; present is not a promise
        return fields

    def _linkedin(self, c: Mapping[str, Any], _: Mapping[str, Any]) -> dict[str, Any]:
        return self._oidc("linkedin", c.get("sub"), c)
