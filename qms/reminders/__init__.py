"""Reminders of what falls due: sweep, digests, escalation, ledger (ISO 9001 7.5.2, 9.2, 10.2)."""
