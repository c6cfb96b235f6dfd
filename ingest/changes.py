"""What a rebuild changed, passage by passage, for the ingest summary.

Passage ids are content-addressed, so comparing the id sets of the previous and the
new version says everything: an id in both is unchanged; within one section, a
passage that went and one that came pair up as *changed* (an edited paragraph);
what is left over is *added* or *removed*.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from index.models import Passage


@dataclass(frozen=True)
class ChangeSummary:
    """Counts of passages by fate, and how many texts the model actually embedded."""

    added: int
    changed: int
    unchanged: int
    removed: int
    embedded: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def compare(previous: Sequence[Passage], current: Sequence[Passage], *, embedded: int = 0) -> ChangeSummary:
    """Classify the passages of ``current`` against ``previous`` by id and section."""
    before = {p.id: p for p in previous}
    after = {p.id: p for p in current}
    unchanged = len(before.keys() & after.keys())

    def by_section(ids: set[str], passages: dict[str, Passage]) -> Counter[tuple[str, str]]:
        return Counter((passages[i].citation.document, passages[i].citation.section) for i in ids)

    gone = by_section(before.keys() - after.keys(), before)
    came = by_section(after.keys() - before.keys(), after)
    changed = sum(min(gone[key], came[key]) for key in gone.keys() & came.keys())
    return ChangeSummary(
        added=sum(came.values()) - changed,
        changed=changed,
        unchanged=unchanged,
        removed=sum(gone.values()) - changed,
        embedded=embedded,
    )
