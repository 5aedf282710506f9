"""Command groups of the ``evidencewatch`` CLI, each in its own module."""
