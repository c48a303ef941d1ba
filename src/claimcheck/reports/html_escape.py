"""``escape``: ``html.escape`` (with ``quote=True``), for the HTML report and its plots.

Why a copy: importing the ``html`` package builds ``html.entities``' tables (2,231 named
references, for ``unescape``, which the reports never call): about 8 M instructions of
``claimcheck verify all``. ``html.escape`` itself is these five replacements, in this order
(``&`` first, so an escape is never escaped again); ``tests/test_report_text_checks.py`` compares the two.
"""

from __future__ import annotations


def escape(s: str) -> str:
    """``s`` with ``&``, ``<``, ``>``, ``"`` and ``'`` written as character references, as ``html.escape(s)``."""
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;").replace("'", "&#x27;")
