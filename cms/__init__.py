"""The Wagtail site and controlled process documents (ISO 9001 7.5)."""
