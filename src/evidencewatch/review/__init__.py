"""Curator review: the queue, decisions with their audit trail, accounts."""
