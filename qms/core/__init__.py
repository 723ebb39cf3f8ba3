"""The QMS core: organisation units, people and roles, the ISO 9001 clause catalogue (ISO 9001 4.3, 4.4, 5.3)."""
