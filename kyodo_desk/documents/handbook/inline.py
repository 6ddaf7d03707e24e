"""Markdown inline content → ReportLab paragraph markup, escaping every piece of source text.

Supported: **太字**, *強調* (underlined: Japanese fonts have no italic), `コード`, [リンク](URL),
hard line breaks, and ``{{center_name}}``-style placeholders filled from the center's settings.
Raw HTML in the source is printed literally (comments are dropped).
"""

from __future__ import annotations

import re
import unicodedata

from kyodo_desk.documents.base import esc

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")


def is_wide(ch: str) -> bool:
    return bool(ch) and unicodedata.east_asian_width(ch) in ("W", "F")


def fill_placeholders(text: str, values: dict[str, str], unknown: set[str] | None = None) -> str:
    def sub(m: re.Match) -> str:
        name = m.group(1)
        if name in values:
            return values[name]
        if unknown is not None:
            unknown.add(name)
        return m.group(0)

    return PLACEHOLDER.sub(sub, text)


class InlineRenderer:
    def __init__(self, values: dict[str, str]):
        self.values = values
        self.unknown_placeholders: set[str] = set()
        self.stray_markers = False  # "**" left in text: emphasis CommonMark did not recognise

    def text(self, raw: str) -> str:
        return fill_placeholders(raw, self.values, self.unknown_placeholders)

    def plain(self, node) -> str:
        """The inline node's text without markup (for bookmarks, TOC, captions, note labels)."""
        parts = []
        for child in node.children:
            if child.type in ("text", "code_inline"):
                parts.append(self.text(child.content))
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
            elif child.type == "image":
                parts.append(self.text(child.content or ""))
            elif child.type == "html_inline":
                if not child.content.startswith("<!--"):
                    parts.append(child.content)
            else:
                parts.append(self.plain(child))
        return "".join(parts)

    def markup(self, node) -> str:
        out: list[str] = []
        children = list(node.children)
        for i, child in enumerate(children):
            t = child.type
            if t == "text":
                self.stray_markers = self.stray_markers or "**" in child.content
                out.append(esc(self.text(child.content)))
            elif t == "code_inline":
                out.append(esc(self.text(child.content)))
            elif t == "softbreak":
                # A line break inside a Japanese sentence in the source is not a space.
                before = self._last_char(children, i)
                after = self._first_char(children, i + 1)
                out.append("" if is_wide(before) or is_wide(after) else " ")
            elif t == "hardbreak":
                out.append("<br/>")
            elif t == "strong":
                out.append("<b>" + self.markup(child) + "</b>")
            elif t == "em":
                out.append("<u>" + self.markup(child) + "</u>")
            elif t == "s":
                out.append("<strike>" + self.markup(child) + "</strike>")
            elif t == "link":
                out.append(self._link(child))
            elif t == "image":
                alt = self.plain(child)
                out.append(esc(f"[{alt}]") if alt else "")
            elif t == "html_inline":
                if not child.content.startswith("<!--"):
                    out.append(esc(child.content))
            else:  # anything new markdown-it may add: keep its text
                out.append(esc(self.plain(child)))
        return "".join(out)

    def _link(self, node) -> str:
        href = self.text(str(node.attrs.get("href", "")))
        inner = self.markup(node)
        label = self.plain(node)
        shown = href[7:] if href.startswith("mailto:") else href
        if href.startswith(("http://", "https://", "mailto:")):
            text = f'<a href="{esc(href)}">{inner}</a>'
            if shown and shown != label:
                text += esc(f"({shown})")
            return text
        return inner

    def _last_char(self, children, index: int) -> str:
        for child in reversed(children[:index]):
            text = self.plain(child) if child.children else self.text(child.content or "")
            if text:
                return text[-1]
        return ""

    def _first_char(self, children, index: int) -> str:
        for child in children[index:]:
            text = self.plain(child) if child.children else self.text(child.content or "")
            if text:
                return text[0]
        return ""
