"""core tables: papers, candidates, audit, scans, seed findings, users, digests

Revision ID: 0001
Revises:
Create Date: 2026-11-25 11:13:24.643759
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "digest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("period_from", sa.Date(), nullable=False),
        sa.Column("period_to", sa.Date(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("markdown", sa.Text(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("mailed_to", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("digest", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_digest_created_at"), ["created_at"], unique=False)

    op.create_table(
        "paper",
        sa.Column("pmid", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("journal", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("pub_date", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("pub_year", sa.Integer(), nullable=True),
        sa.Column("crdt", sa.Date(), nullable=True),
        sa.Column("doi", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("pmcid", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("is_retracted", sa.Boolean(), nullable=False),
        sa.Column("is_review", sa.Boolean(), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("pmid"),
    )
    with op.batch_alter_table("paper", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_paper_crdt"), ["crdt"], unique=False)
        batch_op.create_index(batch_op.f("ix_paper_pub_year"), ["pub_year"], unique=False)

    op.create_table(
        "scan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("window_from", sa.Date(), nullable=True),
        sa.Column("window_to", sa.Date(), nullable=True),
        sa.Column("query_version", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("queries", sa.JSON(), nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.Column("papers_seen", sa.Integer(), nullable=False),
        sa.Column("papers_new", sa.Integer(), nullable=False),
        sa.Column("papers_updated", sa.Integer(), nullable=False),
        sa.Column("candidates_new", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Integer(), nullable=False),
        sa.Column("missing_pmids", sa.JSON(), nullable=False),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("trigger", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("host", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "seed_finding",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("group", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("genes", sa.JSON(), nullable=False),
        sa.Column("alteration", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("pattern", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("direction", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("effect", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("therapy_class", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("agents", sa.JSON(), nullable=False),
        sa.Column("resistance_kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("subtype", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("model_system", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("claim", sa.Text(), nullable=False),
        sa.Column("citations", sa.JSON(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("seed_finding", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_seed_finding_therapy_class"), ["therapy_class"], unique=False
        )

    op.create_table(
        "user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("password_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
    )
    op.create_table(
        "candidate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pmid", sa.BigInteger(), nullable=False),
        sa.Column("gene", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("rule_score", sa.Float(), nullable=False),
        sa.Column("model_score", sa.Float(), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("snippets", sa.JSON(), nullable=False),
        sa.Column("matched_terms", sa.JSON(), nullable=False),
        sa.Column("mentions", sa.JSON(), nullable=False),
        sa.Column("therapy_class", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("agents", sa.JSON(), nullable=False),
        sa.Column("direction", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("effect", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("alteration", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("subtype", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("model_system", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("cell_lines", sa.JSON(), nullable=False),
        sa.Column("evidence_level", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("statement", sa.Text(), nullable=True),
        sa.Column("provenance", sa.JSON(), nullable=False),
        sa.Column("extraction_evidence", sa.JSON(), nullable=False),
        sa.Column("reject_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("scan_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pmid"],
            ["paper.pmid"],
        ),
        sa.ForeignKeyConstraint(
            ["scan_id"],
            ["scan.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("pmid", "gene", name="uq_candidate_pmid_gene"),
    )
    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_candidate_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_candidate_decided_at"), ["decided_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_candidate_gene"), ["gene"], unique=False)
        batch_op.create_index(batch_op.f("ix_candidate_pmid"), ["pmid"], unique=False)
        batch_op.create_index("ix_candidate_status_score", ["status", "score"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_candidate_therapy_class"), ["therapy_class"], unique=False
        )

    op.create_table(
        "auditevent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("from_status", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("to_status", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidate.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("auditevent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_auditevent_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_auditevent_candidate_id"), ["candidate_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("auditevent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auditevent_candidate_id"))
        batch_op.drop_index(batch_op.f("ix_auditevent_at"))

    op.drop_table("auditevent")
    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_candidate_therapy_class"))
        batch_op.drop_index("ix_candidate_status_score")
        batch_op.drop_index(batch_op.f("ix_candidate_pmid"))
        batch_op.drop_index(batch_op.f("ix_candidate_gene"))
        batch_op.drop_index(batch_op.f("ix_candidate_decided_at"))
        batch_op.drop_index(batch_op.f("ix_candidate_created_at"))

    op.drop_table("candidate")
    op.drop_table("user")
    with op.batch_alter_table("seed_finding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_seed_finding_therapy_class"))

    op.drop_table("seed_finding")
    op.drop_table("scan")
    with op.batch_alter_table("paper", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_paper_pub_year"))
        batch_op.drop_index(batch_op.f("ix_paper_crdt"))

    op.drop_table("paper")
    with op.batch_alter_table("digest", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_digest_created_at"))

    op.drop_table("digest")
