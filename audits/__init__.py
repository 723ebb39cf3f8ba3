"""Internal audits: programme, audits, checklists, findings (ISO 9001 9.2)."""
