"""Outgoing mail: a queue kept in the database and sent through Flask-Mailman; no blueprint."""
