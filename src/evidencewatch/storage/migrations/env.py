"""Alembic environment: runs on the connection that evidencewatch.storage.db.init_db hands over."""

from alembic import context
from sqlmodel import SQLModel

# Imported for their effect: they register the tables on SQLModel.metadata.
import evidencewatch.storage.models
import evidencewatch.storage.routes
import evidencewatch.storage.signins
import evidencewatch.storage.summary
import evidencewatch.storage.votes  # noqa: F401

target_metadata = SQLModel.metadata
connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `evidencewatch init`, which supplies the connection")

context.configure(
    connection=connection,
    target_metadata=target_metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    # APScheduler owns its job store table; autogenerate must not try to drop it.
    include_object=lambda obj, name, type_, reflected, compare_to: (
        not (type_ == "table" and name == "apscheduler_jobs")
    ),
)
with context.begin_transaction():
    context.run_migrations()
