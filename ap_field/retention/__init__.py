"""Retention: a closed pupil's record is anonymised when its retention period is over, by
`flask reminders tick`; no blueprint (docs/architecture.md, "Retention")."""
