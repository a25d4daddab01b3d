"""Plain-text summaries of library results, for the command line."""

from __future__ import annotations

from kg.model import Quantity
from kg.pipeline import BuildReport

__all__ = ["format_summary"]


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items())


def format_summary(report: BuildReport) -> str:
    """The build summary: documents, entities by class, facts, conflicts, SHACL, time."""
    exports = ", ".join(p.name for p in report.exports)
    out_dir = report.exports[0].parent if report.exports else "-"
    lines = [
        f"Documents:  {report.documents}"
        + (f" ({len(report.problems)} input problem(s) reported above)" if report.problems else ""),
        f"Entities:   {report.entities} ({_counts(report.entities_by_class)})",
        f"Facts:      {report.facts} ({_counts(report.facts_by_relation)})",
    ]
    lines.append(f"Conflicts:  {len(report.conflicts)}")
    for c in report.conflicts:
        a, b = c.a.object, c.b.object
        assert isinstance(a, Quantity) and isinstance(b, Quantity)
        lines.append(f"  {c.subject} {c.predicate}: {a.text!r} vs {b.text!r}")
    errors = [v for v in report.violations if v.severity == "Violation"]
    warnings = [v for v in report.violations if v.severity != "Violation"]
    lines.append(f"SHACL:      {len(errors)} violation(s), {len(warnings)} warning(s)")
    for v in errors[:10]:
        lines.append(f"  {v.focus}: {v.message}")
    lines.append(f"Store:      {report.store}")
    lines.append(f"Exports:    {out_dir}/ ({exports})")
    lines.append(f"Time:       {report.seconds:.1f} s")
    return "\n".join(lines) + "\n"
