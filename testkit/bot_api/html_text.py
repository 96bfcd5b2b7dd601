"""parse_mode HTML as Telegram applies it: plain text plus MessageEntity objects.

See https://core.telegram.org/bots/api#html-style; offsets are in UTF-16 code units.
"""

from __future__ import annotations

import html
import re

from testkit.bot_api.wire import JSON, ApiError, utf16_len

_TAG_RE = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)"
    r"((?:\s+[a-zA-Z_:-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?)*)\s*>"
)
_ATTR_RE = re.compile(r"([a-zA-Z_:-]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>]+)))?")
_SPECIAL_RE = re.compile(r"[<&]")
_CHARREF_RE = re.compile(r"&(?:#[0-9]+|#x[0-9a-fA-F]+|lt|gt|amp|quot);")
_HTML_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}


def parse_html(source: str) -> tuple[str, list[JSON]]:
    """Apply parse_mode HTML: plain text and MessageEntity list (offsets in UTF-16 units)."""

    def fail(reason: str, index: int) -> ApiError:
        offset = len(source[:index].encode())
        return ApiError(400, f"Bad Request: can't parse entities: {reason} at byte offset {offset}")

    parts: list[str] = []
    pos = 0
    stack: list[tuple[str, int, JSON]] = []
    entities: list[JSON] = []
    i = 0
    while i < len(source):
        if source[i] == "<":
            match = _TAG_RE.match(source, i)
            if match is None:
                raise fail("Unsupported start tag", i)
            closing, tag = match.group(1) == "/", match.group(2).lower()
            if closing:
                if not stack or stack[-1][0] != tag:
                    expected = f'"</{stack[-1][0]}>"' if stack else "no end tag"
                    raise fail(f'Unmatched end tag, expected {expected}, found "</{tag}>"', i)
                _, start, entity = stack.pop()
                if tag == "code" and stack and stack[-1][0] == "pre" and "language" in entity:
                    stack[-1][2]["language"] = entity["language"]
                elif pos > start:
                    entities.append({**entity, "offset": start, "length": pos - start})
            else:
                attrs = {
                    m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or ""
                    for m in _ATTR_RE.finditer(match.group(3))
                }
                kind = _HTML_ENTITY_TYPES.get(tag)
                if kind is None or (tag == "span" and attrs.get("class") != "tg-spoiler"):
                    raise fail(f'Unsupported start tag "{tag}"', i)
                opened: JSON = {"type": kind}
                if tag == "a":
                    opened["url"] = html.unescape(attrs.get("href", ""))
                elif tag == "tg-emoji":
                    opened["custom_emoji_id"] = attrs.get("emoji-id", "")
                elif tag == "code" and attrs.get("class", "").startswith("language-"):
                    opened["language"] = attrs["class"].removeprefix("language-")
                elif tag == "blockquote" and "expandable" in attrs:
                    opened["type"] = "expandable_blockquote"
                stack.append((tag, pos, opened))
            i = match.end()
            continue
        if source[i] == "&" and (ref := _CHARREF_RE.match(source, i)):
            chunk, i = html.unescape(ref.group(0)), ref.end()
        else:
            special = _SPECIAL_RE.search(source, i + 1)
            end = special.start() if special else len(source)
            chunk, i = source[i:end], end
        parts.append(chunk)
        pos += utf16_len(chunk)
    if stack:
        raise fail(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"', len(source))
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(parts), entities
