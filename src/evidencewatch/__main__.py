from evidencewatch.cli.main import cli

cli()
