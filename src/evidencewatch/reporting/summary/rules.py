"""The written rules that give each seed finding its status: one pure function, no hand edits.

The same rules are printed in the README and in every summary's legend
(``RULES``), so what a reader sees is what the code does.
"""

from __future__ import annotations

from dataclasses import dataclass

from evidencewatch.core.vocabulary import SummaryStatus

# (status, rule), in the order they are tried: the first rule that holds gives the status.
RULES: tuple[tuple[str, str], ...] = (
    (
        SummaryStatus.support_retracted.value,
        "a paper the finding cites is retracted, or accepted supporting evidence exists "
        "but every supporting paper is retracted",
    ),
    (
        SummaryStatus.contradicted.value,
        "at least 2 independent studies oppose the finding and they outnumber the "
        "independent supporting studies",
    ),
    (
        SummaryStatus.contested.value,
        "at least 1 independent study opposes the finding or finds no association",
    ),
    (
        SummaryStatus.extended.value,
        "at least 1 independent study supports the finding, none opposes it, and a "
        "supporting study names a breast-cancer subtype the finding does not state",
    ),
    (
        SummaryStatus.supported.value,
        "at least 1 independent study supports the finding and none opposes it",
    ),
    (SummaryStatus.unchanged.value, "no accepted evidence bears on the finding"),
)
RULES_NOTE = (
    "Studies are papers: several candidates from one paper count once. Evidence on a "
    "retracted paper is struck through and counted apart, never towards a status. "
    "A curator may override a status only with a written reason, shown beside it."
)


@dataclass(frozen=True, slots=True)
class Tally:
    """What the rules read about one finding: independent studies (papers) per side."""

    supporting: int = 0
    opposing: int = 0
    no_association: int = 0
    retracted_supporting: int = 0  # supporting papers that are retracted (not in ``supporting``)
    cited_retracted: bool = False  # a paper the finding cites is retracted
    new_subtype: bool = False  # a supporting study names a subtype the finding does not


def finding_status(tally: Tally) -> SummaryStatus:
    """The status of a finding by ``RULES``, tried in order."""
    if tally.cited_retracted or (tally.retracted_supporting and not tally.supporting):
        return SummaryStatus.support_retracted
    if tally.opposing >= 2 and tally.opposing > tally.supporting:
        return SummaryStatus.contradicted
    if tally.opposing or tally.no_association:
        return SummaryStatus.contested
    if tally.supporting and tally.new_subtype:
        return SummaryStatus.extended
    if tally.supporting:
        return SummaryStatus.supported
    return SummaryStatus.unchanged


def names_new_subtype(finding_subtype: str, line_subtype: str | None) -> bool:
    """Whether a line's subtype is one the finding does not state ("not specified" states none)."""
    if not line_subtype:
        return False
    stated = finding_subtype.strip().lower()
    return stated in ("", "not specified") or line_subtype.strip().lower() not in stated
