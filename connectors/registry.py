"""Every source system by name: adding a connector is one module and one line here."""

from __future__ import annotations

from collections.abc import Mapping

from connectors.apaleo import ApaleoConnector
from connectors.base import Factory, Puller, lacking
from connectors.cloudbeds import CloudbedsConnector
from connectors.generic import GenericConnector
from connectors.mews import MewsConnector
from connectors.opentravel import BookingComConnector, ExpediaConnector, OpenTravelConnector
from connectors.opera import OperaConnector
from connectors.social import SocialConnector

# What each can do beyond the Connector protocol (Puller, Fetcher, Completer) is read from the
# connector itself, so nothing else lists sources.
CONNECTORS: dict[str, Factory] = {
    "mews": MewsConnector,
    "apaleo": ApaleoConnector,
    "cloudbeds": CloudbedsConnector,
    "opera": OperaConnector,
    "ota": OpenTravelConnector,
    "booking": BookingComConnector,
    "expedia": ExpediaConnector,
    "import": GenericConnector,
    "social": SocialConnector,
}


def pulled() -> list[str]:
    """The sources we pull from (their connectors are Pullers), sorted."""
    return sorted(name for name, make in CONNECTORS.items() if isinstance(make(), Puller))


def missing(source: str, credentials: Mapping[str, str]) -> list[str]:
    """What the API credentials of `source` lack, e.g. ['token or client_id+client_secret']."""
    make = CONNECTORS.get(source)
    return lacking(make(), credentials) if make is not None else []
