"""The audit trail: models only, so that every area can declare and record its events."""
