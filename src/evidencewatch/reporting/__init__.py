"""Digests, exports and the templates and markup they render with."""
