"""Plain-text summaries of library results, for the command line."""

from __future__ import annotations

from kg.conflicts import StoredConflict
from kg.llm import LLMReport
from kg.model import OPEN_RELATION, Quantity
from kg.pipeline import BuildReport, Changes

__all__ = ["format_changes", "format_conflicts", "format_llm", "format_summary"]


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items())


def format_summary(report: BuildReport) -> str:
    """The build summary: documents, entities by class, facts, conflicts, SHACL, time."""
    exports = ", ".join(p.name for p in report.exports)
    out_dir = report.exports[0].parent if report.exports else "-"
    lines = [
        f"Documents:  {report.documents}"
        + (f" ({len(report.problems)} input problem(s) reported above)" if report.problems else ""),
        format_changes(report.changes),
        f"Entities:   {report.entities} ({_counts(report.entities_by_class)})",
    ]
    named = {k: v for k, v in report.facts_by_relation.items() if k != OPEN_RELATION}
    lines.append(f"Facts:      {sum(named.values())} ({_counts(named)})")
    open_facts = report.facts_by_relation.get(OPEN_RELATION, 0)
    lines.append(
        f"Open:       {open_facts} relation(s) no property names (kg:relatedTo;"
        " `kg stats --unmapped` lists their words)"
    )
    if report.llm is not None:
        lines.append(format_llm(report.llm))
    lines.append(f"Conflicts:  {len(report.conflicts)}")
    for c in report.conflicts:
        a, b = c.a.object, c.b.object
        assert isinstance(a, Quantity) and isinstance(b, Quantity)
        lines.append(
            f"  {c.subject} {c.predicate}: {a.text!r} ({_docs(c.support_a)})"
            f" vs {b.text!r} ({_docs(c.support_b)})"
        )
    errors = [v for v in report.violations if v.severity == "Violation"]
    warnings = [v for v in report.violations if v.severity != "Violation"]
    lines.append(f"SHACL:      {len(errors)} violation(s), {len(warnings)} warning(s)")
    for v in errors[:10]:
        lines.append(f"  {v.focus}: {v.message}")
    lines.append(f"Store:      {report.store}")
    lines.append(f"Exports:    {out_dir}/ ({exports})")
    lines.append(f"Time:       {report.seconds:.1f} s")
    return "\n".join(lines) + "\n"


def format_llm(llm: LLMReport) -> str:
    """One line: the calls made, and the model's facts proposed, kept and dropped."""
    dropped = sum(llm.dropped.values())
    reasons = ", ".join(f"{n} {why}" for why, n in sorted(llm.dropped.items(), key=_by_count))
    line = (
        f"Model:      {llm.calls} call(s), {llm.cached} answer(s) from the cache;"
        f" {llm.proposed} fact(s) proposed, {llm.kept} kept"
        + (f" ({llm.duplicates} the rules had found)" if llm.duplicates else "")
        + f", {dropped} dropped"
        + (f" ({reasons})" if reasons else "")
    )
    if llm.fallback:
        line += f"; {llm.fallback} document(s) kept their rule-based facts"
    return line


def _by_count(item: tuple[str, int]) -> tuple[int, str]:
    return -item[1], item[0]


def _docs(n: int) -> str:
    return f"{n} document{'s' if n != 1 else ''}"


def format_changes(changes: Changes) -> str:
    """One line: what the build changed in the store and how much it had to extract."""
    parts = [
        f"{len(changes.added)} added",
        f"{len(changes.replaced)} replaced",
        f"{len(changes.removed)} removed",
        f"{changes.unchanged} unchanged",
    ]
    return (
        f"Changes:    {', '.join(parts)}; "
        f"{changes.extracted} extracted, {changes.cached} from the cache"
    )


def format_conflicts(conflicts: list[StoredConflict]) -> str:
    """Each conflict: the entity and property, then each side's value and its sources."""
    if not conflicts:
        return "No conflicts.\n"
    lines: list[str] = []
    for c in conflicts:
        lines.append(f"{c.label} ({c.subject}) {c.predicate_name}:")
        for side in c.sides:
            lines.append(f"  {side.value!r}, stated by {_docs(len(side.sources))}:")
            for src in side.sources:
                title = f" ({src.title})" if src.title else ""
                lines.append(f"    {src.path}{title}")
                lines.append(f"      {src.sentence}")
    lines.append(f"{len(conflicts)} conflict{'s' if len(conflicts) != 1 else ''}")
    return "\n".join(lines) + "\n"
