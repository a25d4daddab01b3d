"""Files and text -> ``Document``.

Plain text is kept as it is; Markdown and HTML are rendered to plain text
first (offsets in the graph refer to that rendering). A header block of
``KEY: value`` lines (SOURCE, URL, TITLE, DATE, PUBLISHER) at the top of a
text file is read as metadata. Lines that are headings or page furniture are
left out of ``Document.body``, so the extractors never see them.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from kg.errors import InputError, shown
from kg.lexicon import LEXICON
from kg.model import Document

__all__ = ["MAX_DOCUMENT_MB", "SUFFIXES", "discover", "document_from_text", "read_document"]

SUFFIXES = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
}
_HEADER = re.compile(r"^(SOURCE|URL|TITLE|DATE|PUBLISHER|AUTHOR):[ \t]*(.*)$", re.IGNORECASE)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True, slots=True)
class _Rendered:
    text: str
    headings: frozenset[int]  # line numbers that are headings
    meta: dict[str, str]


def discover(
    paths: Sequence[Path], *, follow_symlinks: bool = False
) -> tuple[list[Path], list[str]]:
    """Expand folders to the article files under them, sorted; report missing paths.

    A link inside a folder that leads out of it is reported and skipped unless
    ``follow_symlinks`` is set (a path given by name is always read).
    """
    found: list[Path] = []
    problems: list[str] = []
    for path in paths:
        if path.is_dir():
            files = []
            inside = path.resolve()
            for p in sorted(path.rglob("*")):
                if not (p.is_file() and p.suffix.lower() in SUFFIXES):
                    continue
                if not follow_symlinks and _leads_out(p, inside):
                    problems.append(
                        f"{shown(p)}: a link to {shown(p.resolve())}, outside {shown(path)}; "
                        "skipped (--follow-symlinks reads it)"
                    )
                    continue
                files.append(p)
            if not files:
                problems.append(f"{shown(path)}: no .txt, .md or .html files in this folder")
            found.extend(files)
        elif path.is_file():
            if path.suffix.lower() not in SUFFIXES:
                problems.append(
                    f"{shown(path)}: unsupported file type {path.suffix or '(none)'!r}"
                    " (expected .txt, .md or .html)"
                )
            else:
                found.append(path)
        else:
            problems.append(f"{shown(path)}: no such file or folder")
    unique = sorted(set(found), key=lambda p: str(p))
    return unique, problems


#: The default ``max_mb`` of ``read_document`` (``--max-document-mb``): about 2,000
#: pages of text, which no news article comes near.
MAX_DOCUMENT_MB = 10.0

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16's, which it begins with
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _leads_out(path: Path, folder: Path) -> bool:
    """Whether ``path`` (under ``folder``) is, or passes through, a link to outside it."""
    try:
        path.resolve().relative_to(folder)
    except ValueError:
        return True
    return False


def read_document(path: Path, *, max_mb: float = MAX_DOCUMENT_MB) -> Document:
    """Read one article file; raise ``InputError`` naming the file if it cannot be used.

    UTF-8 is read, and UTF-16 or UTF-32 that begins with a byte-order mark. A
    NUL anywhere makes the file binary. A file over ``max_mb`` megabytes is
    refused before it is read.
    """
    try:
        size = path.stat().st_size
        if size > max_mb * 1_000_000:
            raise InputError(
                f"{size:,} bytes, over the limit of {max_mb:g} MB a document (--max-document-mb)",
                path=str(path),
            )
        raw = path.read_bytes()
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror or err}", path=str(path)) from None
    encoding = next((name for bom, name in _BOMS if raw.startswith(bom)), None)
    if encoding is None and b"\x00" in raw:
        where = raw.index(0)
        raise InputError(f"binary file, not text (a NUL byte at offset {where})", path=str(path))
    try:
        text = raw.decode(encoding or "utf-8-sig")
    except UnicodeDecodeError as err:
        name = encoding.upper() if encoding else "UTF-8"
        raise InputError(
            f"not {name} text (byte 0x{raw[err.start]:02x} at offset {err.start})", path=str(path)
        ) from None
    if "\x00" in text:
        where = text.index("\x00")
        raise InputError(f"binary file, not text (a NUL at character {where})", path=str(path))
    fmt = SUFFIXES.get(path.suffix.lower(), "txt")
    return document_from_text(text, source=str(path), fmt=fmt)


def document_from_text(text: str, *, source: str = "<text>", fmt: str = "txt") -> Document:
    """Build a ``Document`` from text already in memory."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError("empty document", path=source)
    if fmt == "html":
        rendered = _render_html(text)
    elif fmt == "md":
        rendered = _render_markdown(text)
    else:
        rendered = _Rendered(text, frozenset(), {})
    if not rendered.text.strip():
        raise InputError("no article text found", path=source)
    meta, body, first_line_title, title_span = _segment(rendered)
    if title_span is not None and not _headline_statement(
        rendered.text[title_span[0] : title_span[1]]
    ):
        title_span = None
    title = meta.get("title") or first_line_title
    date = meta.get("date")
    if date:
        m = _ISO_DATE.search(date)
        date = m.group(0) if m else None
    return Document(
        id=hashlib.sha256(rendered.text.encode("utf-8")).hexdigest(),
        source=source,
        text=rendered.text,
        format=fmt,
        title=title,
        url=meta.get("source") or meta.get("url"),
        publisher=meta.get("publisher"),
        date=date,
        body=tuple(body),
        headline=title_span,
    )


# ---------------------------------------------------------------- segmentation


def _lines(text: str) -> Iterable[tuple[int, int, int, str]]:
    """(line number, start, end, line) for each line of text."""
    start = 0
    for n, line in enumerate(text.split("\n")):
        yield n, start, start + len(line), line
        start += len(line) + 1


def is_furniture(line: str) -> bool:
    """True for page furniture: bylines, share buttons, disclosures, FAQ headings."""
    low = line.strip().lower()
    bare = low.rstrip(":.!?").strip()
    if not bare:
        return True
    f = LEXICON.furniture
    if bare in f.lines or bare.lstrip("-*• ").strip() in f.lines:
        return True
    if any(low.startswith(p) for p in f.prefixes) and not _prose_line(line):
        return True
    # a paragraph that mentions a newsletter in passing is still the article
    return len(low.split()) <= 40 and any(c in low for c in f.contains)


def _prose_line(line: str) -> bool:
    """A sentence of the article, not a byline or a credit that starts like one: it runs
    to a dozen words and ends as a sentence does ("By 2016, Skype had ...")."""
    stripped = line.strip()
    return len(stripped.split()) >= 12 and stripped[-1:] in ".!?\"”’'"


def is_trailer(line: str) -> bool:
    """True for a line after which a page holds no more article text."""
    bare = line.strip().lower().rstrip(":.!").strip()
    return bare in LEXICON.furniture.trailer


def _prose_after(lines: Iterable[str]) -> list[int]:
    """For each line number, the words from that line on in lines that read as prose
    (a dozen words or more)."""
    counts = [n if (n := len(line.split())) >= 12 else 0 for line in lines]
    out = [0] * (len(counts) + 1)
    for i in range(len(counts) - 1, -1, -1):
        out[i] = out[i + 1] + counts[i]
    return out


def _looks_like_heading(line: str) -> bool:
    stripped = line.strip()
    if not stripped or stripped[-1] in ".!\"”’'":
        return False
    words = stripped.split()
    if stripped.endswith("?"):
        return False  # a question is prose (kept, though no fact is taken from it)
    return len(words) <= 12 and not stripped.startswith(("-", "•", "*"))


def _segment(
    r: _Rendered,
) -> tuple[dict[str, str], list[tuple[int, int]], str | None, tuple[int, int] | None]:
    meta = dict(r.meta)
    body: list[tuple[int, int]] = []
    title: str | None = None
    title_span: tuple[int, int] | None = None
    in_header = True
    seen_text = False
    lines = list(_lines(r.text))
    prose_after: list[int] | None = None
    for i, (n, start, end, line) in enumerate(lines):
        stripped = line.strip()
        if in_header:
            m = _HEADER.match(stripped)
            if m:
                meta.setdefault(m.group(1).lower(), m.group(2).strip())
                if m.group(1).lower() == "title" and title_span is None and m.group(2).strip():
                    lead = line.index(m.group(2).strip())
                    title_span = (start + lead, start + lead + len(m.group(2).strip()))
                continue
            if stripped:
                in_header = False
        if not stripped:
            continue
        if not seen_text:
            seen_text = True
            if _looks_like_heading(stripped) or n in r.headings:
                title = stripped.lstrip("# ").strip()
                if title_span is None and title:
                    lead = line.index(title)
                    title_span = (start + lead, start + lead + len(title))
                continue
        if body and is_trailer(stripped):
            # Everything after "Share This Article" / "Source link" is site furniture,
            # unless more of the article follows than came before (a share button near
            # the top of the page).
            before = sum(len(r.text[s:e].split()) for s, e in body)
            if prose_after is None:  # counted once: a page may hold many such lines
                prose_after = _prose_after(line for *_, line in lines)
            if prose_after[i + 1] <= before:
                break
            continue
        if n in r.headings or is_furniture(stripped) or _looks_like_heading(stripped):
            continue
        lead = len(line) - len(line.lstrip())
        body.append((start + lead, end - (len(line) - len(line.rstrip()))))
    return meta, body, title, title_span


def _headline_statement(title: str) -> bool:
    """True for a headline of several words that is not a question."""
    return len(title.split()) >= 3 and not title.rstrip().endswith("?")


# ---------------------------------------------------------------- Markdown

_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_EMPH = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_MD_LIST = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


def _render_markdown(text: str) -> _Rendered:
    out: list[str] = []
    headings: set[int] = set()
    in_code = False
    for line in text.split("\n"):
        if line.strip().startswith("```"):
            in_code = not in_code
            out.append("")
            continue
        if in_code:
            out.append("")
            continue
        if _MD_HEADING.match(line):
            headings.add(len(out))
            line = _MD_HEADING.sub("", line).rstrip("# ")
        line = _MD_LIST.sub("- ", line)
        line = line.lstrip("> ") if line.startswith(">") else line
        line = _MD_LINK.sub(r"\1", line)
        line = _MD_EMPH.sub(r"\2", line)
        out.append(line)
    return _Rendered("\n".join(out), frozenset(headings), {})


# ---------------------------------------------------------------- HTML

_SKIP = {
    "script",
    "style",
    "nav",
    "footer",
    "header",
    "aside",
    "form",
    "noscript",
    "template",
    "svg",
    "button",
    "iframe",
    "select",
    "figure",
}
_BLOCK = {
    "p",
    "div",
    "section",
    "article",
    "main",
    "br",
    "li",
    "ul",
    "ol",
    "tr",
    "table",
    "blockquote",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "title",
    "dd",
    "dt",
    "pre",
}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_VOID = {"br", "img", "meta", "link", "input", "hr", "source", "wbr", "area", "base", "col"}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.headings: set[int] = set()
        self.meta: dict[str, str] = {}
        self._skip = 0
        self._stack: list[str] = []
        self._title: list[str] = []
        self._in_title = False

    def _newline(self) -> None:
        if self.lines[-1].strip():
            self.lines.append("")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta":
            key = (a.get("property") or a.get("name") or "").lower()
            content = a.get("content", "").strip()
            wanted = {
                "og:url": "url",
                "og:site_name": "publisher",
                "og:title": "title",
                "article:published_time": "date",
                "date": "date",
            }
            if key in wanted and content:
                self.meta.setdefault(wanted[key], content)
            return
        if tag == "link" and a.get("rel", "").lower() == "canonical" and a.get("href"):
            self.meta.setdefault("url", a["href"])
            return
        if tag in _VOID:
            if tag == "br":
                self._newline()
            return
        self._stack.append(tag)
        if tag in _SKIP:
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif tag in _BLOCK:
            self._newline()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # As in a browser, "/>" closes only a void element: "<script src=x />" opens a
        # script that runs to "</script>", and what follows it is script, not text.
        self.handle_starttag(tag, attrs)
        if tag in _VOID:
            return
        if tag in self.CDATA_CONTENT_ELEMENTS:
            self.set_cdata_mode(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or tag not in self._stack:
            return
        while self._stack:
            top = self._stack.pop()
            if top in _SKIP:
                self._skip -= 1
            if top == "title":
                self._in_title = False
            if top in _HEADINGS and self.lines[-1].strip():
                self.headings.add(len(self.lines) - 1)
            if top in _BLOCK:
                self._newline()
            if top == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title.append(data)
            return
        if self._skip:
            return
        self.lines[-1] += re.sub(r"\s+", " ", data)


def _render_html(text: str) -> _Rendered:
    parser = _TextExtractor()
    parser.feed(text)
    parser.close()
    lines = [line.strip() for line in parser.lines]
    # Drop empty lines but keep heading line numbers right.
    kept: list[str] = []
    headings: set[int] = set()
    for n, line in enumerate(lines):
        if line:
            if n in parser.headings:
                headings.add(len(kept))
            kept.append(line)
    meta = dict(parser.meta)
    title = " ".join("".join(parser._title).split())
    if title:
        meta.setdefault("title", title)
    return _Rendered("\n".join(kept), frozenset(headings), meta)
