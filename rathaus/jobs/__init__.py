"""The one engine for background work: durable rows, claimed with a lease, settled in bulk,
retried by a policy per kind, swept when a worker died. See the README, "Background work"."""
