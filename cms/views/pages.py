"""Reading controlled documents on the site (ISO 9001 7.5.3.1 a: available where and when needed)."""
