"""Lowest layer: errors, logging, progress, the vocabularies; imports nothing of ours."""
