"""Nonconformities and corrective actions (ISO 9001 8.7, 10.2)."""
