"""Ordering the review queue: the rule score's learned companion."""
