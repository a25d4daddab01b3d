"""Files and text -> Document: formats, metadata, furniture, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import InputError
from kg.ingest import discover, document_from_text, is_furniture, read_document


def _body(doc) -> list[str]:  # type: ignore[no-untyped-def]
    return [doc.text[s:e] for s, e in doc.body]


def test_plain_text_keeps_offsets_and_reads_header() -> None:
    text = "SOURCE: https://news.example/a\nTITLE: Acme ends Pixie\n\nAcme shut down Pixie.\n"
    doc = document_from_text(text, source="a.txt")
    assert doc.url == "https://news.example/a"
    assert doc.title == "Acme ends Pixie"
    assert _body(doc) == ["Acme shut down Pixie."]
    assert doc.text == text
    assert len(doc.id) == 64


@pytest.mark.parametrize(
    "line",
    [
        "Key Insights",
        "Frequently Asked Questions",
        "Sign Up to Access",
        "Share This Article",
        "Disclosure: this site may contain affiliate links.",
        "Media Credit: Jane Doe",
        "By Jane Doe",
        "TAGGED:",
        "Summary",
    ],
)
def test_page_furniture_is_recognised(line: str) -> None:
    assert is_furniture(line)


@pytest.mark.parametrize("line", ["Acme shut down Pixie on Monday.", "Globex signed a deal."])
def test_prose_is_not_furniture(line: str) -> None:
    assert not is_furniture(line)


def test_headings_and_furniture_are_left_out_of_the_body() -> None:
    text = (
        "Acme Ends Pixie\nAcme is shutting down Pixie, its photo app.\nKey Insights\n"
        "- Pixie cost too much to run.\nWhy It Matters\nSign Up\nShare This Article\n"
        "Acme is a fine company that writes newsletters.\n"
    )
    doc = document_from_text(text)
    assert doc.title == "Acme Ends Pixie"
    assert _body(doc) == [
        "Acme is shutting down Pixie, its photo app.",
        "- Pixie cost too much to run.",
    ]


def test_markdown_is_rendered_to_plain_text() -> None:
    doc = document_from_text(
        "# Acme news\n\nAcme **shut down** [Pixie](https://x.example) today.\n\n## More\n",
        fmt="md",
    )
    assert doc.title == "Acme news"
    assert _body(doc) == ["Acme shut down Pixie today."]


def test_html_drops_scripts_navigation_and_reads_meta() -> None:
    html = """<html><head><title>Acme ends Pixie</title>
    <meta property="og:site_name" content="Example News">
    <link rel="canonical" href="https://news.example/pixie"></head>
    <body><nav>Home | Sign up</nav><script>var x = "Acme bought Globex.";</script>
    <article><h1>Acme ends Pixie</h1><p>Acme shut down <b>Pixie</b>, its app.</p>
    <p>Rivals such as Blinkr gained users.</p></article><footer>Share this article</footer>
    </body></html>"""
    doc = document_from_text(html, fmt="html")
    assert doc.title == "Acme ends Pixie"
    assert doc.publisher == "Example News"
    assert doc.url == "https://news.example/pixie"
    assert _body(doc) == ["Acme shut down Pixie, its app.", "Rivals such as Blinkr gained users."]
    assert "bought" not in doc.text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty document"),
        (b"  \n\t\n", "empty document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file, not text (a NUL byte at offset 8)"),
        (
            b"Acme shut down Pixie. " * 500 + b"\x00",
            "binary file, not text (a NUL byte at offset 11000)",
        ),  # noqa: E501
        (b"\xff\xfeA\x00\x00\xd8", "not UTF-16 text (byte 0x00 at offset 4)"),
        (b"Acme caf\xe9 news", "not UTF-8 text (byte 0xe9 at offset 8)"),
    ],
)
def test_bad_files_give_one_line_errors_naming_the_file(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        read_document(path)
    assert str(err.value) == f"{path}: {message}"
    assert "\n" not in str(err.value)


def test_discover_expands_folders_and_reports_missing_paths(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    for name in ("b.txt", "a.md", "sub/c.html", "skip.pdf"):
        (tmp_path / name).write_text("Acme shut down Pixie.", encoding="utf-8")
    files, problems = discover([tmp_path, tmp_path / "missing.txt", tmp_path / "skip.pdf"])
    assert [p.name for p in files] == ["a.md", "b.txt", "c.html"]
    assert problems == [
        f"{tmp_path / 'missing.txt'}: no such file or folder",
        f"{tmp_path / 'skip.pdf'}: unsupported file type '.pdf' (expected .txt, .md or .html)",
    ]


def test_identity_is_the_content_hash() -> None:
    a = document_from_text("Acme shut down Pixie.", source="a.txt")
    b = document_from_text("Acme shut down Pixie.", source="b.txt")
    c = document_from_text("Acme shut down Blinkr.", source="a.txt")
    assert a.id == b.id != c.id


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_text_with_a_byte_order_mark_is_decoded(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "wide.txt"
    text = "Acme Corp said it would shut down Pixie, its photo app, next month."
    bom = {"utf-16-be": "\ufeff"}.get(encoding, "")
    path.write_bytes((bom + text).encode(encoding))
    assert _body(read_document(path)) == [text]


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("Acme shut down Pixie. " * 100_000, encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_document(path, max_mb=1)
    assert str(err.value) == (
        f"{path}: 2,200,000 bytes, over the limit of 1 MB a document (--max-document-mb)"
    )
    assert read_document(path, max_mb=3).text.startswith("Acme")


def test_a_name_with_a_newline_stays_on_one_line(tmp_path: Path) -> None:
    path = tmp_path / "two\nlines.txt"
    path.write_bytes(b"\x00")
    with pytest.raises(InputError) as err:
        read_document(path)
    assert "\n" not in str(err.value)
    assert str(err.value).startswith(f"{tmp_path}/two\\nlines.txt: binary file")


def test_links_out_of_a_folder_are_reported_and_skipped(tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("Acme shut down Pixie.", encoding="utf-8")
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text("Acme shut down Pixie.", encoding="utf-8")
    (folder / "b.txt").symlink_to(folder / "a.txt")  # inside: read
    (folder / "leak.txt").symlink_to(outside)
    files, problems = discover([folder])
    assert [p.name for p in files] == ["a.txt", "b.txt"]
    assert problems == [
        f"{folder / 'leak.txt'}: a link to {outside}, outside {folder}; "
        "skipped (--follow-symlinks reads it)"
    ]
    files, problems = discover([folder], follow_symlinks=True)
    assert [p.name for p in files] == ["a.txt", "b.txt", "leak.txt"] and problems == []
    assert discover([folder / "leak.txt"]) == ([folder / "leak.txt"], [])  # named: read


def test_a_self_closing_script_hides_what_follows_as_a_browser_does() -> None:
    page = (
        "<p>Acme said it would shut down Pixie.</p>"
        '<script src="x.js"/>var note = "Globex bought Initech";</script>'
        "<p>The app had ten million users.</p>"
    )
    doc = document_from_text(page, fmt="html")
    assert "Initech" not in doc.text
    assert _body(doc) == ["Acme said it would shut down Pixie.", "The app had ten million users."]


def test_a_long_paragraph_that_mentions_a_newsletter_is_still_the_article() -> None:
    para = " ".join(["Acme Corp said on Monday that it would shut down Pixie, its photo app."] * 5)
    doc = document_from_text(para + " Its newsletter will also end.\n")
    assert len(doc.body) == 1
