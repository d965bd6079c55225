"""Every job handler of the service, imported once so both worker kinds know them all."""

from app.hints import stats as hint_stats
from app.inbound import sync as inbound_sync
from app.inbound import tasks as inbound_tasks

__all__ = ["hint_stats", "inbound_sync", "inbound_tasks"]
