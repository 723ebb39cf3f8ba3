"""Read-and-understood records: distribution of a revision and its acknowledgements (ISO 9001 7.2, 7.3, 7.5.3)."""
