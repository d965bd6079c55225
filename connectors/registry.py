"""Every source system by name: adding a connector is one module and one line here."""

from __future__ import annotations

from collections.abc import Callable

from connectors.apaleo import ApaleoConnector
from connectors.base import Connector
from connectors.cloudbeds import CloudbedsConnector
from connectors.generic import GenericConnector
from connectors.mews import MewsConnector
from connectors.opentravel import BookingComConnector, ExpediaConnector, OpenTravelConnector
from connectors.opera import OperaConnector
from connectors.social import SocialConnector

CONNECTORS: dict[str, Callable[[], Connector]] = {
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

PULLERS = frozenset({"mews", "apaleo", "cloudbeds", "opera"})
