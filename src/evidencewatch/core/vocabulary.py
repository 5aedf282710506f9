"""Every controlled vocabulary, defined once.

Validators, the seed loader, the extractor, web forms, CLI choices and
exporters all derive their lists from here, so a value added here is
accepted everywhere at once and no two copies can drift apart.
"""

from __future__ import annotations

import enum


class Status(enum.StrEnum):
    """Where a candidate stands in review."""

    pending = "pending"
    accepted = "accepted"
    rejected = "rejected"
    deferred = "deferred"
    withdrawn = "withdrawn"  # the paper was deleted from PubMed before anyone decided


UNDECIDED: tuple[str, ...] = (Status.pending.value, Status.deferred.value)
QUEUE_STATUSES: tuple[str, ...] = (*(s.value for s in Status), "all")


class RejectReason(enum.StrEnum):
    """Why a curator rejected a candidate; the ranking learns per reason."""

    alias_collision = "alias_collision"
    not_breast_cancer = "not_breast_cancer"
    no_resistance_claim = "no_resistance_claim"
    review_no_new_data = "review_no_new_data"
    duplicate = "duplicate"
    retracted = "retracted"
    out_of_scope = "out_of_scope"


REJECT_REASON_LABELS: dict[str, str] = {
    RejectReason.alias_collision: "Alias collision or wrong gene sense",
    RejectReason.not_breast_cancer: "Not breast cancer",
    RejectReason.no_resistance_claim: "No resistance claim",
    RejectReason.review_no_new_data: "Review without new data",
    RejectReason.duplicate: "Duplicate",
    RejectReason.retracted: "Retracted",
    RejectReason.out_of_scope: "Out of scope",
}


class Role(enum.StrEnum):
    """What an account may do: editors and admins may change a decision already made."""

    curator = "curator"
    editor = "editor"
    admin = "admin"


THERAPY_CLASSES: tuple[str, ...] = ("chemotherapy", "radiotherapy", "endocrine", "anti-HER2")

# The gene's change: up (over-expression, gain, activation) or down (loss, silencing).
DIRECTIONS: tuple[str, ...] = ("up", "down", "mixed", "none")
EFFECTS: tuple[str, ...] = ("resistance", "sensitivity", "no_association", "prognosis")
# The extractor reads treatment response only; prognosis is a curator's call.
EXTRACTED_EFFECTS: tuple[str, ...] = ("resistance", "sensitivity", "no_association")

# What was measured, most specific first: when a sentence names several, the extractor
# keeps the first. The change in it (over-expression, loss...) is not part of the value:
# it is the candidate's direction, named in ALTERATION_CHANGES.
ALTERATIONS: tuple[str, ...] = (
    "nuclear_localisation",
    "methylation",
    "phosphorylation",  # a phospho-form measured, not the total protein
    "mutation",
    "copy_number",
    "signature",
    "protein",
    "mRNA",
    "pathway_activity",
)
# The change in what was measured, and the direction it is: the extractor names it in a
# candidate's extraction evidence ("alteration_change", and before the alteration's
# sentence), so a curator reads "copy_number" + "amplification" and filters on up/down.
ALTERATION_CHANGES: dict[str, str] = {
    "over-expression": "up",
    "amplification": "up",
    "activation": "up",
    "under-expression": "down",
    "loss": "down",
    "deletion": "down",
    "inactivation": "down",
}
SUBTYPES: tuple[str, ...] = (
    "luminal A",
    "luminal B",
    "HER2-positive",
    "triple-negative",
    "ER-positive",
    "basal-like",
)
# Strongest evidence first; "review" (no new data) is a paper's kind rather than a model,
# and wins over the models a review mentions. Cell lines are listed on their own.
MODEL_SYSTEMS: tuple[str, ...] = (
    "clinical_trial",
    "patient_cohort",
    "xenograft",
    "organoid",
    "cell_line",
    "review",
)
MODEL_SYSTEM_LABELS: dict[str, str] = {
    "clinical_trial": "clinical trial",
    "patient_cohort": "patient cohort",
    "xenograft": "xenograft / PDX",
    "organoid": "organoid",
    "cell_line": "cell line",
    "review": "review",
}
# What curators type, singular, lower case, hyphens and underscores as spaces.
_MODEL_SYSTEM_WORDS: dict[str, tuple[str, ...]] = {
    "clinical_trial": ("trial", "clinical trial", "randomized trial", "randomised trial", "rct"),
    "patient_cohort": ("patient", "cohort", "patient cohort", "patient tumour", "patient tumor"),
    "xenograft": ("pdx", "patient derived xenograft", "mouse", "mice", "in vivo", "mouse model"),
    "organoid": ("pdo", "patient derived organoid", "tumour organoid", "tumor organoid"),
    "cell_line": ("cell", "cell line", "cell culture", "in vitro"),
    "review": ("systematic review", "meta analysis", "narrative review"),
}
_MODEL_SYSTEM_INPUT: dict[str, str] = {
    word: value
    for value, spellings in _MODEL_SYSTEM_WORDS.items()
    for word in (value.replace("_", " "), *spellings)
}


def model_system_value(text: str) -> str | None:
    """The MODEL_SYSTEMS value a curator means: "cell line", "Cell lines", "cell-line" and
    "cell_line" are all ``cell_line``; "" is None. ValueError names the choices."""
    words = " ".join(text.strip().lower().replace("_", " ").replace("-", " ").split())
    if not words:
        return None
    for key in (words, words[:-1] if words.endswith("s") else words):
        if key in _MODEL_SYSTEM_INPUT:
            return _MODEL_SYSTEM_INPUT[key]
    labels = ", ".join(MODEL_SYSTEM_LABELS.values())
    raise ValueError(f"{text.strip()!r} is not a model system (one of {labels})")


RESISTANCE_KINDS: tuple[str, ...] = ("intrinsic", "acquired", "unspecified")
ALIAS_KINDS: tuple[str, ...] = ("alias", "protein", "previous_symbol")
# Who named a tracked gene: the seed document, or a paper that one of its findings cites.
GENE_SOURCES: tuple[str, ...] = ("document", "cited_paper")

# CIViC's evidence levels.
EVIDENCE_LEVEL_LABELS: dict[str, str] = {
    "A": "A · validated association",
    "B": "B · clinical evidence",
    "C": "C · case study",
    "D": "D · preclinical",
    "E": "E · inferential",
}
EVIDENCE_LEVELS: tuple[str, ...] = tuple(EVIDENCE_LEVEL_LABELS)

# What the machine fills in for each candidate, and a curator may correct.
EXTRACTED_FIELDS: tuple[str, ...] = (
    "therapy_class",
    "agents",
    "direction",
    "effect",
    "alteration",
    "subtype",
    "model_system",
)
# What a curator may set when accepting, in display order.
EDITABLE_FIELDS: tuple[str, ...] = (
    "gene",
    "alteration",
    "direction",
    "effect",
    "therapy_class",
    "agents",
    "subtype",
    "model_system",
    "evidence_level",
    "statement",
)


class IntegrityKind(enum.StrEnum):
    """What PubMed now says about a paper the evidence rests on (the integrity watch)."""

    retracted = "retracted"  # PublicationType "Retracted Publication" or RetractionIn
    concern = "concern"  # ExpressionOfConcernIn
    erratum = "erratum"  # ErratumIn
    updated = "updated"  # UpdateIn: a newer version or a replacement
    deleted = "deleted"  # efetch no longer serves the PMID, or a DeleteCitation names it
    revised = "revised"  # any other revision: DateRevised newer than the stored record


class IntegrityState(enum.StrEnum):
    """What a curator made of an integrity notice; nothing is withdrawn without them."""

    open = "open"
    confirmed = "confirmed"  # the evidence on the paper is withdrawn
    dismissed = "dismissed"  # kept, with the curator's note


# --- team review: dual votes, review modes -------------------------------------------------


class ReviewMode(enum.StrEnum):
    """``single``: one curator's decision stands; ``dual``: two blinded votes per candidate."""

    single = "single"
    dual = "dual"


class VoteDecision(enum.StrEnum):
    """What one curator voted in dual review; accept against reject is a conflict."""

    accept = "accept"
    reject = "reject"


# Agreement (Cohen's kappa) over fewer shared decisions than this is shown with a warning.
KAPPA_MIN_SHARED = 10


class RouteKind(enum.StrEnum):
    """How a scan came to a paper (``candidate_route``); a paper may have several."""

    query = "query"  # the watchlist's ESearch queries found it
    cites = "cites"  # ELink pubmed_pubmed_citedin: it cites a seed-cited or accepted paper
    similar = "similar"  # ELink pubmed_pubmed: PubMed lists it as similar to an accepted paper


# --- the living evidence summary -------------------------------------------------------


class SummaryStatus(enum.StrEnum):
    """Where a seed finding stands against accepted evidence (rules: reporting/summary/rules.py)."""

    unchanged = "unchanged"
    supported = "supported"
    extended = "extended"
    contested = "contested"
    contradicted = "contradicted"
    support_retracted = "support retracted"


# The three sides of a finding's evidence, in display order.
SUMMARY_SIDES: tuple[str, ...] = ("supporting", "opposing", "no_association")
SUMMARY_FORMATS: tuple[str, ...] = ("html", "md", "json")
# Where an evidence line's text came from.
TEXT_SOURCES: tuple[str, ...] = ("full_text", "abstract")


# --- Why a candidate ranks where it does: the rule reasons as curators read them -------
# (matching.scoring writes the codes; the queue's Why column shows these sentences.)
REASON_LABELS: dict[str, str] = {
    "gene_mentioned": "Gene named",
    "gene_in_title": "Gene in the title",
    "resistance_cue_same_sentence": "Resistance word in the gene's sentence",
    "sensitivity_cue_same_sentence": "Sensitivity word in the gene's sentence",
    "therapy_same_sentence": "Therapy in the gene's sentence",
    "supporting_sentences": "Several supporting sentences",
    "finding_section": "Found in the results or conclusions",
    "breast_context": "Breast cancer context",
    "breast_cell_line_only": "Only a breast-cancer cell line",
    "no_breast_context": "No breast-cancer context",
    "other_tumour_in_title": "The title is about another tumour",
    "out_of_scope_therapy_only": "Only therapies outside the four classes",
    "veterinary": "Animal patients (veterinary)",
    "review_article": "Review article",
    "no_primary_data": "No primary data",
    "retracted": "Retracted",
    "ambiguous_alias_only": "Only an ambiguous alias",
    "status_label_only": "Gene only as a status label",
    "cites_seed_or_accepted": "Cites a seed-cited or accepted paper",
}


# --- The integrity watch: what its audit events are called, and the notices' labels.


class IntegrityAction(enum.StrEnum):
    """Audit-event actions of the integrity watch (a confirmed notice withdraws: "withdrawn")."""

    flagged = "integrity_flagged"  # a notice now touches the candidate's paper
    dismissed = "integrity_dismissed"  # a curator kept the evidence, with a note


INTEGRITY_KIND_LABELS: dict[str, str] = {
    IntegrityKind.retracted: "Retracted",
    IntegrityKind.concern: "Expression of concern",
    IntegrityKind.erratum: "Erratum",
    IntegrityKind.updated: "Updated or replaced",
    IntegrityKind.deleted: "Deleted from PubMed",
    IntegrityKind.revised: "Record revised",
}
# CommentsCorrections RefType -> the notice it is (RetractionIn, with the publication type).
INTEGRITY_REF_TYPES: dict[str, IntegrityKind] = {
    "RetractionIn": IntegrityKind.retracted,
    "ExpressionOfConcernIn": IntegrityKind.concern,
    "ErratumIn": IntegrityKind.erratum,
    "UpdateIn": IntegrityKind.updated,
}
