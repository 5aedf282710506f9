"""Fictional demo records and the offline demo runner."""
