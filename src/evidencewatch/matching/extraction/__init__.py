"""Extraction of structured fields, one module per field; the entry is ``matching.extract``."""
