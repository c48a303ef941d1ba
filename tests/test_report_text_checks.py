"""The reports' copies of two stdlib/visible steps, against the originals they replace:
``html_escape.escape`` against ``html.escape``, ``visible_page`` against ``visible.visible``."""

from __future__ import annotations

import html
import random

from claimcheck.reports.html_escape import escape
from claimcheck.reports.visible_page import visible_page
from claimcheck.visible import visible

SAMPLES = ["", "plain", "&", "&amp;", "<script>alert('x')</script>", 'a "quoted" & <b>bold</b> \'s', "&lt;&gt;&#x27;",
           "é · … 中文 \U0001f600", "\x00\x1b[31m\x7f\x85\u202e\u2028", "\udcff lone", "&&<<>>\"\"''"]


def test_escape_is_html_escape():
    rng = random.Random(7)
    alphabet = "&<>\"'ab; #x27é·\x00\u202e"
    cases = SAMPLES + ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 40))) for _ in range(2000)]
    for s in cases:
        assert escape(s) == html.escape(s)


def _same(text: str) -> None:
    assert visible_page(text) == visible(text), repr(text)


def test_visible_page_is_visible_for_every_bmp_character():
    for code in range(0x10000):
        c = chr(code)
        _same(c)
        _same("ab · c" + c + "d …\n")  # among characters beyond ASCII that are not shown


def test_visible_page_is_visible_beyond_the_bmp_and_in_mixtures():
    rng = random.Random(3)
    for code in [*range(0x10000, 0x10400), *(rng.randrange(0x10000, 0x110000) for _ in range(5000)), 0x10FFFF]:
        _same(chr(code) + "x\u2026")
    shown = "\x00\x08\x0b\x1f\x7f\x80\x9f\u061c\u200e\u200f\u2028\u2029\u202a\u202e\u2066\u2069\ud800\udcff\udfff"
    quiet = "a\n\t ·…é\u00a0\u2027\u202f\u2065\u206a\u061b\u061d\u200d\u2010\ud7ff\ue000中\U0001f600"
    for _ in range(3000):
        n = rng.randrange(0, 30)
        text = "".join(rng.choice(quiet if rng.random() < 0.97 else shown) for _ in range(n))
        _same(text)
    _same("…" * 10000)  # more lead bytes than it looks at one by one
    _same("…" * 10000 + "\u202e")
    for s in SAMPLES:
        _same(s)
        _same(s * 50)


def test_code_lists_are_the_joins_they_replace():
    from claimcheck.reports.html import _code_list
    from claimcheck.reports.markdown import md_code, md_code_list

    rng = random.Random(11)
    alphabet = ["a", "b", "-", "/", ":", " ", "`", "``", "|", "\n", "\r", "\t", "&", "<", ">", '"', "'", "é", "\u2028"]
    lists = [[], [""], [" "], ["\t"], ["a"], ["`a`"], ["run-1", "run-2"], ["a|b"], ["x\ny"], ["<b>"], ["it's"]]
    lists += [["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 8))) for _ in range(rng.randrange(0, 6))]
              for _ in range(3000)]
    for items in lists:
        assert md_code_list(items) == ", ".join(md_code(x, cell=False) for x in items), items
        assert _code_list(items) == ", ".join(f"<code>{escape(x)}</code>" for x in items), items
