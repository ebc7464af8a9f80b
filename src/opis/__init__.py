"""opis: archival transcriptions and scans into a searchable, citable archive."""

__version__ = "0.1.0"
