"""Mews Connector API: General Webhooks in, customers and reservations pulled by UpdatedUtc."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from connectors import fetchers
from connectors.base import Delivery, GuestRecord, Need, Page
from connectors.common import as_list, body_id, load_json, make_record, same_secret, snake, text
from connectors.common import to_date as _date
from connectors.http import Clock, Sleep, decode_cursor, encode_cursor, iso, parse_iso, send, utcnow
from connectors.oauth import ApiAuth, TokenCache

TITLES = {"Mister": "Mr", "Miss": "Ms", "Misses": "Mrs"}
STATES = {
    "Enquired": "enquiry",
    "Requested": "enquiry",
    "Optional": "enquiry",
    "Confirmed": "confirmed",
    "Started": "checked_in",
    "Processed": "checked_out",
    "Canceled": "cancelled",
}
# PreferredSpaceFeatures that answer a question the front desk asks; the rest become flags.
FEATURES: dict[str, tuple[str, str | bool]] = {
    "SeaView": ("view", "sea"),
    "OceanView": ("view", "ocean"),
    "RiverView": ("view", "river"),
    "CityView": ("view", "city"),
    "TwinBeds": ("bed", "twin"),
    "DoubleBed": ("bed", "double"),
    "HighFloor": ("floor", "high"),
    "LowFloor": ("floor", "low"),
    "AccessibleRoom": ("accessible", True),
}
CUSTOMER_EVENTS = {"CustomerAdded", "CustomerUpdated"}
WINDOW = timedelta(days=90)  # Mews refuses UpdatedUtc intervals longer than three months
LAG = timedelta(minutes=2)  # leave the newest minutes for the next sync: commits land late


class MewsConnector:
    """Mews: General Webhooks (ids only) plus customers/reservations getAll pulls."""

    source = "mews"
    token_param = "token"  # noqa: S105 - the name of the query parameter, not a secret
    needs: tuple[Need, ...] = ((("client_token",),), (("access_token",),))

    def __init__(
        self,
        timezone: str = "UTC",
        *,
        sleep: Sleep = asyncio.sleep,
        clock: Clock = utcnow,
        page_size: int | None = None,
        tokens: TokenCache | None = None,  # unused: Mews requests carry static tokens
    ) -> None:
        # Mews sends UTC instants; the hotel's zone turns them into the local arrival date.
        self.tz = ZoneInfo(timezone)
        self.sleep = sleep
        self.clock = clock
        self.page_size = page_size or 500

    def verify(self, delivery: Delivery, secret: str) -> bool:
        """Mews authenticates by the secret token we put in the webhook URL's query."""
        return same_secret(delivery.query.get(self.token_param), secret)

    def event_id(self, delivery: Delivery) -> str:
        """General Webhooks carry no message id; a resend repeats the same body."""
        return body_id(delivery.body)

    def entities_to_fetch(self, payload: bytes) -> dict[str, list[str]]:
        """Customer and reservation ids named by a General Webhook, each once."""
        data = load_json(payload)
        out: dict[str, list[str]] = {"customers": [], "reservations": []}
        for event in as_list(data.get("Events") if isinstance(data, dict) else None):
            kind = text(event.get("Discriminator"))
            entity = text((event.get("Value") or {}).get("Id"))
            key = "customers" if kind in CUSTOMER_EVENTS else "reservations"
            wanted = kind in CUSTOMER_EVENTS or kind == "ServiceOrderUpdated"
            if entity and wanted and entity not in out[key]:
                out[key].append(entity)
        return out

    def named(self, payload: bytes) -> str | None:
        """The ids a General Webhook names, as compact JSON; None when it names none."""
        ids = self.entities_to_fetch(payload)
        return json.dumps(ids, separators=(",", ":")) if any(ids.values()) else None

    async def fetch(
        self, http: httpx.AsyncClient, auth: ApiAuth, credentials: Mapping[str, str], body: bytes
    ) -> bytes | None:
        """The customers and reservations (with their owners) a General Webhook names."""
        ids = self.entities_to_fetch(body)
        if not any(ids.values()):
            return None
        customers, reservations = ids["customers"], ids["reservations"]
        return await fetchers.mews(http, credentials, customers, reservations, sleep=auth.sleep)

    async def complete(
        self,
        http: httpx.AsyncClient,
        auth: ApiAuth,
        credentials: Mapping[str, str],
        records: Sequence[GuestRecord],
    ) -> list[GuestRecord]:
        """Reservations pulled without their customer, with the owner's record filled in."""
        # A stay naming its guest only by id would otherwise blank that guest's record.
        wanted = list(dict.fromkeys(r.source_record_id for r in records if _bare(r)))
        if not wanted:
            return list(records)
        payload = await fetchers.mews(http, credentials, wanted, [], sleep=auth.sleep)
        owners = {r.source_record_id: r for r in self.parse(payload) if r.stay is None}
        out = []
        for record in records:
            owner = owners.get(record.source_record_id) if _bare(record) else None
            if owner is not None:
                updated = record.updated_at or owner.updated_at
                record = owner.model_copy(update={"stay": record.stay, "updated_at": updated})
            out.append(record)
        return out

    def parse(self, payload: bytes) -> Sequence[GuestRecord]:
        """Records from a customers/getAll or reservations/getAll response (webhooks: none)."""
        data = load_json(payload)
        if not isinstance(data, dict):
            raise ValueError("Mews payload must be a JSON object")
        customers = {c.get("Id"): c for c in as_list(data.get("Customers"))}
        records = [self.customer(c) for c in customers.values() if c.get("Id")]
        for res in as_list(data.get("Reservations")):
            record = self.reservation(res, customers.get(_owner(res)))
            if record is not None:
                records.append(record)
        return records

    def customer(self, c: Mapping[str, Any]) -> GuestRecord:
        """Map one Mews Customer."""
        return make_record(self._customer_fields(c))

    def _customer_fields(self, c: Mapping[str, Any]) -> dict[str, Any]:
        classes = c.get("Classifications")
        addr = c.get("Address") or {}
        last = " ".join(p for p in (text(c.get("LastName")), text(c.get("SecondLastName"))) if p)
        return {
            "source": self.source,
            "source_record_id": c.get("Id"),
            "updated_at": text(c.get("UpdatedUtc")),
            "title": TITLES.get(c.get("Title") or ""),
            "first_name": text(c.get("FirstName")),
            "last_name": last or None,
            "email": text(c.get("Email")),
            "email_masked": c.get("HasOtaEmail"),
            "phone": text(c.get("Phone")),
            "date_of_birth": _date(c.get("BirthDate")),
            "gender": (text(c.get("Sex")) or "").lower() or None,
            "nationality": text(c.get("NationalityCode")),
            "language": text(c.get("PreferredLanguageCode")) or text(c.get("LanguageCode")),
            "address": {
                "line1": text(addr.get("Line1")),
                "line2": text(addr.get("Line2")),
                "city": text(addr.get("City")),
                "postcode": text(addr.get("PostalCode")),
                "region": text(addr.get("CountrySubdivisionCode")),
                "country": text(addr.get("CountryCode")),
            },
            "loyalty_number": text(c.get("LoyaltyCode")),
            # Classifications is always present, so an absent flag means "not VIP" now.
            "vip": "VeryImportant" in classes if isinstance(classes, list) else None,
            "do_not_rent": "Blacklist" in classes if isinstance(classes, list) else None,
            "preferences": _preferences(c) or None,
            "merged_into": text(c.get("MergeTargetId")),
        }

    def reservation(
        self, r: Mapping[str, Any], owner: Mapping[str, Any] | None = None
    ) -> GuestRecord | None:
        """Map one reservation to its owner's record with the stay; company-owned ones: None."""
        account = _owner(r)
        if not account or r.get("AccountType") not in (None, "Customer"):
            return None
        fields: dict[str, Any] = self._customer_fields(owner) if owner else {"source": self.source}
        fields["source_record_id"] = account
        fields["updated_at"] = text(r.get("UpdatedUtc")) or fields.get("updated_at")
        fields["stay"] = {
            "reservation_id": r.get("Id"),
            "arrival": _date(r.get("ScheduledStartUtc") or r.get("StartUtc"), self.tz),
            "departure": _date(r.get("ScheduledEndUtc") or r.get("EndUtc"), self.tz),
            "room_type": text(r.get("RequestedResourceCategoryId") or r.get("RequestedCategoryId")),
            "channel": text(r.get("ChannelManager")) or (text(r.get("Origin")) or "").lower(),
            "channel_reservation_id": text(r.get("ChannelNumber")),
            "status": STATES.get(r.get("State") or ""),
        }
        return make_record(fields)

    async def fetch_changes(
        self, client: httpx.AsyncClient, credentials: Mapping[str, str], cursor: str | None
    ) -> Page:
        """One page of customers, then reservations, updated in the cursor's UpdatedUtc window."""
        now = self.clock() - LAG
        first = {"s": credentials.get("since") or iso(now - WINDOW)}
        state = decode_cursor(cursor) if cursor else first
        start = parse_iso(state["s"])
        if start >= now:
            return Page([], cursor or encode_cursor(state), done=True)
        if state.get("e"):
            end, last = parse_iso(state["e"]), bool(state.get("l"))
        else:
            # A window ending at "now" is the last of this sync: the clock moves on while its
            # pages are read, and chasing it would never let the sync finish.
            end, last = min(start + WINDOW, now), start + WINDOW >= now
        kind = state.get("k", "customers")
        path = "customers/getAll" if kind == "customers" else "reservations/getAll/2023-06-06"
        body: dict[str, Any] = {
            "ClientToken": credentials["client_token"],
            "AccessToken": credentials["access_token"],
            "Client": credentials.get("client", "guestid 0.1"),
            "UpdatedUtc": {"StartUtc": iso(start), "EndUtc": iso(end)},
            "Limitation": {"Count": self.page_size, "Cursor": state.get("c")},
        }
        if kind == "customers":
            body["Extent"] = {"Customers": True, "Addresses": True}
        base = credentials.get("base_url", fetchers.MEWS_API).rstrip("/")
        url = f"{base}/api/connector/v1/{path}"
        response = await send(client, "POST", url, json=body, sleep=self.sleep)
        raw = response.content
        data = load_json(raw)
        items = as_list(data.get("Customers" if kind == "customers" else "Reservations"))
        records = list(self.parse(raw))
        window = {"s": iso(start), "e": iso(end), "l": last}
        # Mews pages by Limitation: a full page with a Cursor may have more after it.
        if len(items) >= self.page_size and data.get("Cursor"):
            nxt = {**window, "k": kind, "c": data["Cursor"]}
            return Page(records, encode_cursor(nxt), done=False)
        if kind == "customers":
            return Page(records, encode_cursor({**window, "k": "reservations"}), done=False)
        # Window finished: the next one starts where this ended, so nothing falls between.
        return Page(records, encode_cursor({"s": iso(end)}), done=last)


def _bare(record: GuestRecord) -> bool:
    """A stay that names its guest only by id (a reservation without its customer)."""
    named = (record.first_name, record.last_name, record.full_name, record.email, record.phone)
    return record.stay is not None and all(v is None for v in named)


def _owner(r: Mapping[str, Any]) -> str | None:
    return text(r.get("AccountId") or r.get("CustomerId"))


def _preferences(c: Mapping[str, Any]) -> dict[str, str | bool]:
    prefs: dict[str, str | bool] = {}
    for feature in as_list(c.get("PreferredSpaceFeatures")):
        key, value = FEATURES.get(str(feature), (snake(str(feature)), True))
        prefs[key] = value
    if diet := text(c.get("DietaryRequirements")):
        prefs["dietary"] = diet
    return prefs
