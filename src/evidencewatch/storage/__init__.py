"""The database: table models, engine and sessions, migrations."""
