"""The command line: a thin click layer over the packages below.

``main`` holds the group and the pipeline commands; each other module one
command group. Shared helpers live in ``context``.
"""

from evidencewatch.cli.main import cli

__all__ = ["cli"]
