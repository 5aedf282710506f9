"""Bringing papers in: scans of PubMed, file imports, seeding; all take a session."""
