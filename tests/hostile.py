"""A hostile corpus: names and texts that try to become code in some output context.

Use it for every field that reaches HTML, JavaScript, a folium/branca template, Markdown,
a CSV/xlsx export or the terminal::

    from tests.hostile import HOSTILE, HOSTILE_IDS

    @pytest.mark.parametrize("payload", HOSTILE, ids=HOSTILE_IDS)
    def test_x(payload): ...

``HOSTILE_NAME`` packs the most dangerous payloads into one string for end-to-end tests
(browser, exports). ``MARKER`` is a word in it that should show up literally.
"""

from __future__ import annotations

#: (id, payload) pairs; ids are short and readable for pytest.
CORPUS: list[tuple[str, str]] = [
    # Jinja: folium/branca render element scripts a second time as templates
    ("jinja-expr", "Koffie {{ 7*7 }} ochtend"),
    ("jinja-raw", "Buurthuis {% raw %} open"),
    ("jinja-comment", "Wijk {# niets"),
    ("jinja-block", "{% for x in range(3) %}x{% endfor %}"),
    (
        "jinja-ssti",
        "{{ self.__init__.__globals__.__builtins__.__import__('os').popen('id').read() }}",
    ),
    # JavaScript: template literals, strings, script end
    ("js-backtick", "Sport `n Spel"),
    ("js-template", "${alert(document.domain)}"),
    ("js-backslash", "Pad\\naar\\ huis \\"),
    ("js-quotes", 'Eet\'je "mee"'),
    ("js-script-end", "</script><script>alert(1)</script>"),
    ("js-line-sep", "regel\u2028twee\u2029drie"),
    # HTML
    ("html-img", "<img src=x onerror=alert(1)>"),
    ("html-attr", '" onmouseover="alert(1)" x="'),
    ("html-entity", "&lt;b&gt; &amp; &#123;"),
    ("html-comment", "<!-- <script> -->"),
    # Markdown (st.write, st.markdown, captions, warnings)
    ("md-link", "[klik](https://evil.example)"),
    ("md-image", "![x](https://evil.example/x.png)"),
    ("md-autolink", "Zie https://evil.example en www.evil.example"),
    ("md-heading", "# Kop\n\n**vet** _schuin_"),
    ("md-streamlit", ":red[rood] :material/warning: $x^2$"),
    # Spreadsheet formulas (CSV/xlsx exports)
    ("csv-hyperlink", '=HYPERLINK("http://evil","x")'),
    ("csv-dde", "+cmd|' /C calc'!A0"),
    ("csv-at", "@SUM(1)"),
    ("csv-minus", "-2+3"),
    ("csv-tab", "\t=1+1"),
    ("csv-cr", "\r=1+1"),
    # Terminal
    ("term-ansi", "\x1b[31mrood\x1b[0m"),
    ("term-bidi", "abc\u202edcba"),
    ("term-bell-bs", "piep\x07\x08\x08X"),
    # Ordinary Dutch text must survive every helper unchanged in meaning
    ("plain-dutch", "Sint-Jozefkwartier, 's-Hertogenbosch: café Één & co."),
]

HOSTILE: list[str] = [payload for _id, payload in CORPUS]
HOSTILE_IDS: list[str] = [name for name, _payload in CORPUS]

#: A word that every end-to-end test can look for in the rendered page.
MARKER = "Koffie"

#: One name carrying the payloads that matter most in a browser and on a server.
HOSTILE_NAME = (
    "Koffie {{ 7*7 }} {% raw %} {# `${alert(document.domain)}` \\ ' \" "
    "</script><script>alert(1)</script><img src=x onerror=alert(1)> [klik](https://evil.example)"
)

#: Spreadsheet payloads (cell must not start with a formula character after export).
FORMULAS: list[str] = [p for i, p in CORPUS if i.startswith("csv-")]
