from evidencewatch.cli import cli

cli()
