r"""Escape text that came from a user or a source for the exact context it lands in.

One helper per output context; use these everywhere instead of ``html.escape`` & co.

=====================  ==========================================================
helper                 context
=====================  ==========================================================
:func:`html_text`      text between HTML tags
:func:`html_attr`      a double- or single-quoted HTML attribute value
:func:`js_string`      a JavaScript string: ``'...'``, ``"..."`` or a template literal
:func:`script_json`    JSON data placed in a ``<script>`` (and in folium/branca templates)
:func:`jinja_text`     HTML built by us that passes through a folium/branca template
:func:`markdown_text`  ``st.markdown``/``st.write``/``st.caption``/``st.warning`` text
:func:`spreadsheet_cell`, :func:`spreadsheet_frame`
                       CSV and xlsx cells (formula prefixes ``= + - @`` tab CR)
:func:`terminal_text`  text printed to a terminal (control characters, bidi overrides)
=====================  ==========================================================

Why Jinja matters: folium/branca render the script of every element a second time as a
Jinja template, so any ``{{``, ``{%`` or ``{#`` from a name would be executed on the server.
Every HTML and JavaScript helper here therefore never emits ``{`` or ``}`` from data: they
become ``&#123;``/``&#125;`` in HTML and ``\u007b``/``\u007d`` in JavaScript and JSON. The
output of :func:`html_text`, :func:`html_attr`, :func:`js_string` and :func:`script_json` is
a fixed point of Jinja rendering. The preferred way to show a name on a map is still to send
it as JSON data (:func:`script_json`) and set it with ``textContent`` in the browser.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas is imported where it is used: the CLI's --help must not load it
    import pandas as pd

__all__ = [
    "html_text",
    "html_attr",
    "js_string",
    "script_json",
    "jinja_text",
    "markdown_text",
    "spreadsheet_cell",
    "spreadsheet_frame",
    "terminal_text",
    "FORMULA_PREFIXES",
]

_HTML = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "'": "&#x27;",
        "{": "&#123;",
        "}": "&#125;",
        "\r": "&#13;",  # Jinja would turn it into \n
    }
)
_ATTR = str.maketrans({"`": "&#96;", "\n": "&#10;", "\t": "&#9;"})


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def html_text(value: Any) -> str:
    """Escape ``value`` for text between HTML tags.

    ``& < > " '`` become character references, and so do ``{`` and ``}`` so that the result
    may pass through a Jinja template (folium/branca) unchanged.

    Parameters
    ----------
    value : object
        Any value; ``None`` becomes the empty string, anything else its ``str``.

    Returns
    -------
    str
        The escaped text.

    Examples
    --------
    >>> html_text("<b>Koffie {{ 7*7 }}</b>")
    '&lt;b&gt;Koffie &#123;&#123; 7*7 &#125;&#125;&lt;/b&gt;'
    """
    return _text(value).translate(_HTML)


def html_attr(value: Any) -> str:
    """Escape ``value`` for a quoted HTML attribute value (``title="..."``).

    As :func:`html_text`, plus the backtick and line breaks. Always quote the attribute.

    Parameters
    ----------
    value : object
        Any value; ``None`` becomes the empty string, anything else its ``str``.

    Returns
    -------
    str
        The escaped text.

    Examples
    --------
    >>> html_attr('a" onmouseover="x')
    'a&quot; onmouseover=&quot;x'
    """
    return html_text(value).translate(_ATTR)


_JS_SAFE = re.compile(r"[^A-Za-z0-9 _,.:;?!()*+=-]|[\u0080-\U0010ffff]")


def _js_char(match: re.Match[str]) -> str:
    char = match.group(0)
    if ord(char) >= 0xA0 and unicodedata.category(char)[0] in "LMNPS" and ord(char) <= 0xFFFF:
        return char  # letters, accents, punctuation outside ASCII: readable and harmless
    return "".join(f"\\u{unit:04x}" for unit in _utf16(char))


def _utf16(char: str) -> list[int]:
    data = char.encode("utf-16-be")
    return [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 2)]


def js_string(value: Any, *, quote: bool = True) -> str:
    r"""``value`` as a JavaScript string literal (``quote=True``) or its body.

    Every character that means something in any JavaScript string or HTML ``<script>``
    context (quotes, backtick, ``$``, ``\``, ``<``, ``/``, ``{``, ``}``, line terminators,
    control characters) is written as a ``\uXXXX`` escape, so the body is safe inside
    ``'...'``, ``"..."`` and template literals alike, and inside an inline script.

    Parameters
    ----------
    value : object
        Any value; ``None`` becomes the empty string, anything else its ``str``.
    quote : bool, default True
        Return a quoted literal (``"..."``); False for the body alone.

    Returns
    -------
    str
        The literal or its body.

    Examples
    --------
    >>> js_string("`${alert(1)}`")
    '"\\u0060\\u0024\\u007balert(1)\\u007d\\u0060"'
    """
    body = _JS_SAFE.sub(_js_char, _text(value))
    return f'"{body}"' if quote else body


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_JSON_IN_STRING = str.maketrans(
    {
        "<": "\\u003c",
        ">": "\\u003e",
        "&": "\\u0026",
        "'": "\\u0027",
        "`": "\\u0060",
        "{": "\\u007b",
        "}": "\\u007d",
        "\u2028": "\\u2028",
        "\u2029": "\\u2029",
    }
)


def script_json(data: Any) -> str:
    r"""``data`` as JSON that is safe inside ``<script>`` and inside a Jinja template.

    Strings cannot close the script (``</script>``), open an HTML comment, or contain Jinja
    delimiters; the result parses back to ``data`` with ``JSON.parse``/``json.loads``. In the
    browser, put such texts into the page with ``textContent``, never ``innerHTML``.
    Separators are compact: maps carry thousands of numbers, and ``", "`` would be a sixth
    of their geometry.

    Parameters
    ----------
    data : object
        JSON-serialisable data (no NaN or infinity).

    Returns
    -------
    str
        Compact JSON.

    Examples
    --------
    >>> script_json({"naam": "</script>{{x}}"})
    '{"naam":"\\u003c/script\\u003e\\u007b\\u007bx\\u007d\\u007d"}'
    """
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return _JSON_STRING.sub(lambda m: m.group(0).translate(_JSON_IN_STRING), text)


def jinja_text(markup: str) -> str:
    """Neutralise Jinja delimiters in HTML built by Wijkradar before it enters a template.

    Use it on markup that is already safe HTML (our tags plus :func:`html_text` output)
    and that folium/branca will render as a template, e.g. a legend or popup: ``{`` and
    ``}`` become character references, which the browser shows as the braces.

    Parameters
    ----------
    markup : str
        Safe HTML built by Wijkradar.

    Returns
    -------
    str
        The markup with ``{``, ``}`` and CR as character references.

    Examples
    --------
    >>> jinja_text("<b>{% raw %}</b>")
    '<b>&#123;% raw %&#125;</b>'
    """
    return markup.replace("{", "&#123;").replace("}", "&#125;").replace("\r", "&#13;")


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$&=\"'^%@/;?])")
#: Streamlit links bare URLs, www. addresses and e-mail addresses in the *rendered* text
#: (GFM autolink literal), whatever the escapes; an invisible word joiner breaks the pattern.
_WJ = "\u2060"
_AUTOLINK = [
    (re.compile(r"://"), ":" + _WJ + "//"),
    (re.compile(r"(?i)\b(www)\."), r"\1" + _WJ + "."),
    (re.compile(r"@"), "@" + _WJ),
]
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\u0085\v\f]+")


def markdown_text(value: Any) -> str:
    r"""Escape ``value`` for Streamlit Markdown (``st.markdown``, ``st.write``, captions).

    Line breaks become spaces (a name must not start a heading or list), ASCII punctuation
    gets a backslash, and an invisible word joiner (U+2060) goes into ``://``, ``www.`` and
    after ``@``, so links, images, emphasis, HTML, LaTeX (``$``), Streamlit directives
    (``:red[...]``), bare URLs and e-mail addresses show as plain text.

    Parameters
    ----------
    value : object
        Any value; ``None`` becomes the empty string, anything else its ``str``.

    Returns
    -------
    str
        Text that Markdown shows as written.

    Examples
    --------
    >>> markdown_text("[klik](https://evil.example)")
    '\\[klik\\]\\(https\\:\u2060\\/\\/evil\\.example\\)'
    """
    text = terminal_text(_LINE_BREAKS.sub(" ", _text(value)))
    for pattern, replacement in _AUTOLINK:
        text = pattern.sub(replacement, text)
    return _MD_SPECIAL.sub(r"\\\1", text)


#: Characters that make a spreadsheet cell a formula (OWASP CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: Any) -> Any:
    r"""Neutralise a CSV/xlsx cell: text starting with ``= + - @`` tab or CR gets a ``'``.

    Numbers, dates and missing values are returned unchanged (``-2`` stays a number).

    Parameters
    ----------
    value : object
        One cell.

    Returns
    -------
    object
        The text with a leading ``'`` when it starts a formula; anything else unchanged.

    Examples
    --------
    >>> spreadsheet_cell('=HYPERLINK("http://evil","x")')
    '\'=HYPERLINK("http://evil","x")'
    >>> spreadsheet_cell(-2)
    -2
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def spreadsheet_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell, column name and index label neutralised.

    Parameters
    ----------
    frame : DataFrame
        The table to export.

    Returns
    -------
    DataFrame
        The neutralised copy (text columns as ``object``).
    """
    import pandas as pd

    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(spreadsheet_cell).astype(object)
    out.columns = [spreadsheet_cell(c) for c in out.columns]
    if out.index.dtype == object or pd.api.types.is_string_dtype(out.index):
        out.index = pd.Index([spreadsheet_cell(v) for v in out.index], name=out.index.name)
    return out


def _control(char: str) -> bool:
    category = unicodedata.category(char)
    return category == "Cc" or (category == "Cf" and char not in "\u200d")  # keep ZWJ (emoji)


def terminal_text(value: Any, *, newlines: bool = False) -> str:
    r"""``value`` with control characters shown as escapes (``\x1b``), safe to print.

    Control characters (ANSI escape sequences, backspace, carriage return, bell) and
    invisible format characters such as bidi overrides cannot move the cursor, recolour
    the terminal or hide text. ``newlines=True`` keeps ``\n``.

    Parameters
    ----------
    value : object
        Any value; ``None`` becomes the empty string, anything else its ``str``.
    newlines : bool, default False
        Keep line feeds (for multi-line output).

    Returns
    -------
    str
        Printable text.

    Examples
    --------
    >>> terminal_text("\x1b[31mrood\x1b[0m")
    '\\x1b[31mrood\\x1b[0m'
    """
    out = []
    for char in _text(value):
        if newlines and char == "\n":
            out.append(char)
        elif _control(char):
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)
