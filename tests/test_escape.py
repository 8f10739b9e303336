"""The escaping helpers against the hostile corpus, each in its real context.

HTML is parsed with the stdlib parser, JavaScript is evaluated by node (when installed),
Markdown is rendered by markdown-it (CommonMark + GFM tables/strikethrough + linkify, the
features Streamlit's renderer has), and every HTML/JS output is rendered twice by Jinja.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import unicodedata
from html.parser import HTMLParser

import jinja2
import openpyxl
import pandas as pd
import pytest

from geo.io import FORMULA_PREFIXES as io_prefixes
from geo.io import unquote_formula
from tests.hostile import CORPUS, FORMULAS, HOSTILE, HOSTILE_IDS, HOSTILE_NAME
from wijkradar import escape

JINJA_OPENERS = ("{{", "{%", "{#")


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list]] = []
        self.text: list[str] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_endtag(self, tag):
        self.tags.append(("/" + tag, []))

    def handle_data(self, data):
        self.text.append(data)

    def handle_comment(self, data):
        self.comments.append(data)


def _parse(markup: str) -> _Collect:
    parser = _Collect()
    parser.feed(markup)
    parser.close()
    return parser


def _twice_through_jinja(text: str) -> str:
    env = jinja2.Environment()
    return env.from_string(env.from_string(text).render()).render()


@pytest.mark.parametrize("payload", HOSTILE, ids=HOSTILE_IDS)
def test_html_text_is_text_only_and_a_jinja_fixed_point(payload):
    out = escape.html_text(payload)
    doc = _parse(f"<p>{out}</p>")
    assert doc.tags == [("p", []), ("/p", [])]
    assert not doc.comments
    assert "".join(doc.text) == payload
    assert not any(o in out for o in JINJA_OPENERS)
    assert _twice_through_jinja(out) == out


@pytest.mark.parametrize("payload", HOSTILE, ids=HOSTILE_IDS)
@pytest.mark.parametrize("quote", ['"', "'"])
def test_html_attr_stays_one_attribute(payload, quote):
    out = escape.html_attr(payload)
    doc = _parse(f"<a title={quote}{out}{quote} href={quote}#{quote}>x</a>")
    assert doc.tags[0] == ("a", [("title", payload), ("href", "#")])
    assert _twice_through_jinja(out) == out


@pytest.mark.parametrize("payload", HOSTILE, ids=HOSTILE_IDS)
def test_js_string_has_nothing_that_ends_a_string_a_script_or_a_template(payload):
    literal = escape.js_string(payload)
    body = literal[1:-1]
    for bad in ("`", "${", "'", "</", "\u2028", "\u2029", "\n", "\r", *JINJA_OPENERS):
        assert bad not in body
    assert body.count('"') == 0
    assert escape.js_string(payload, quote=False) == body
    assert _twice_through_jinja(literal) == literal
    assert json.loads(literal) == payload  # \\uXXXX escapes are also valid JSON


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_js_string_evaluates_back_to_the_payload_in_every_quote_style():
    lines = []
    for payload in HOSTILE:
        lit = escape.js_string(payload)
        body = escape.js_string(payload, quote=False)
        lines.append(f"[{lit}, '{body}', `{body}`, `a${{'b'}}{body}`]")
    script = "process.stdout.write(JSON.stringify([" + ",\n".join(lines) + "]))"
    out = subprocess.run(
        ["node", "-e", script], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    for payload, values in zip(HOSTILE, json.loads(out), strict=True):
        assert values == [payload, payload, payload, "ab" + payload]


@pytest.mark.parametrize("payload", HOSTILE, ids=HOSTILE_IDS)
def test_script_json_round_trips_and_cannot_leave_the_script(payload):
    data = {"naam": payload, "lijst": [payload, 1, None], payload: {"x": [payload]}}
    out = escape.script_json(data)
    assert json.loads(out) == data
    assert "<" not in out and ">" not in out and "&" not in out
    assert not any(o in out for o in JINJA_OPENERS)
    assert _twice_through_jinja(out) == out
    page = f"<script>var d = {out};</script>"
    assert page.lower().count("</script") == 1


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_script_json_is_a_javascript_expression():
    out = escape.script_json(HOSTILE)
    result = subprocess.run(
        ["node", "-e", f"process.stdout.write(JSON.stringify({out}))"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert json.loads(result) == HOSTILE


def test_script_json_refuses_nan():
    with pytest.raises(ValueError):
        escape.script_json({"x": float("nan")})


@pytest.mark.parametrize("payload", HOSTILE, ids=HOSTILE_IDS)
def test_jinja_text_neutralises_delimiters_in_our_markup(payload):
    markup = f"<b>{escape.html_text(payload)}</b>"
    assert escape.jinja_text(markup) == markup  # html_text output is already neutral
    raw = escape.jinja_text(f"<b>{payload}</b>")
    assert not any(o in raw for o in JINJA_OPENERS)
    assert _twice_through_jinja(raw) == raw


def _markdown():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"linkify": True, "html": True}).enable(
        ["linkify", "table", "strikethrough"]
    )


@pytest.mark.parametrize("payload", HOSTILE, ids=HOSTILE_IDS)
def test_markdown_text_renders_as_one_plain_paragraph(payload):
    pytest.importorskip("markdown_it")
    pytest.importorskip("linkify_it")
    out = escape.markdown_text(payload)
    rendered = _markdown().render(f"Gemeente: {out}")
    doc = _parse(rendered)
    assert [t for t, _a in doc.tags] == ["p", "/p"], rendered
    shown = "".join(doc.text).strip().replace("\u2060", "")  # invisible word joiners
    expected = "Gemeente: " + escape.terminal_text(" ".join(payload.splitlines()))
    # line breaks collapse to spaces; everything else is shown literally
    assert shown.split() == expected.replace("\u2028", " ").replace("\u2029", " ").split()
    for directive, escaped in (
        (":red[", "\\:red\\["),
        (":material/", "\\:material\\/"),
        ("$", "\\$"),
    ):
        if directive in payload:
            assert escaped in out  # Streamlit extensions are escaped as well
    # Streamlit links URLs in the rendered text (GFM autolink literal): the patterns must break
    plain = out.replace("\\", "")
    for pattern in ("://", "www.", "WWW."):
        assert pattern not in plain
    assert "@" not in plain.replace("@\u2060", "")


@pytest.mark.parametrize("payload", FORMULAS)
def test_spreadsheet_cell_prefixes_formulas(payload):
    out = escape.spreadsheet_cell(payload)
    assert out == "'" + payload
    assert escape.spreadsheet_cell(out) == out  # idempotent: ' is not a formula prefix


@pytest.mark.parametrize("value", [-2, 3.5, None, "Koffie", "2024-01-01", "'=x"])
def test_spreadsheet_cell_leaves_other_values(value):
    assert escape.spreadsheet_cell(value) == value


@pytest.mark.parametrize("value", FORMULAS + [-2, None, "Koffie", "'t Zand", "-", "'"])
def test_unquote_formula_reads_back_what_spreadsheet_cell_wrote(value):
    assert unquote_formula(escape.spreadsheet_cell(value)) == value


def test_formula_prefixes_of_export_and_import_are_the_same():
    assert escape.FORMULA_PREFIXES == io_prefixes


def test_spreadsheet_frame_neutralises_cells_names_and_index_but_not_numbers():
    frame = pd.DataFrame(
        {"naam": FORMULAS + ["gewoon"], "=kolom": range(len(FORMULAS) + 1)},
        index=pd.Index(["@a"] + ["b"] * len(FORMULAS), name="id"),
    )
    frame["bedrag"] = -2.5
    out = escape.spreadsheet_frame(frame)
    assert list(out["naam"]) == ["'" + f for f in FORMULAS] + ["gewoon"]
    assert list(out.columns) == ["naam", "'=kolom", "bedrag"]
    assert out.index[0] == "'@a"
    assert (out["bedrag"] == -2.5).all()
    assert list(frame["naam"])[0] == FORMULAS[0]  # the input is not modified
    buf = io.BytesIO()
    out.to_excel(buf, engine="openpyxl")
    sheet = openpyxl.load_workbook(io.BytesIO(buf.getvalue())).active
    types = {cell.data_type for row in sheet.iter_rows() for cell in row if cell.value is not None}
    assert "f" not in types


@pytest.mark.parametrize("payload", HOSTILE, ids=HOSTILE_IDS)
def test_terminal_text_has_no_control_or_format_characters(payload):
    out = escape.terminal_text(payload)
    assert not any(unicodedata.category(c) in ("Cc", "Cf") for c in out)
    if "\x1b" in payload:
        assert "\\x1b[31m" in out


def test_terminal_text_keeps_newlines_only_when_asked():
    assert escape.terminal_text("a\nb") == "a\\x0ab"
    assert escape.terminal_text("a\nb\x1b", newlines=True) == "a\nb\\x1b"


def test_helpers_accept_none_and_numbers():
    assert escape.html_text(None) == ""
    assert escape.html_text(12.5) == "12.5"
    assert escape.js_string(None) == '""'
    assert escape.markdown_text(3) == "3"


def test_hostile_name_is_in_the_corpus_spirit():
    assert all(p in HOSTILE_NAME for p in ("{{", "{%", "{#", "`", "${", "</script>"))
    assert len({i for i, _p in CORPUS}) == len(CORPUS)
