"""Excel registers and imports (openpyxl)."""
