"""Source-system connections and the inbound webhook endpoint that feeds ingest."""
