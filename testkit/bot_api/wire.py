"""The Bot API wire format: parameters in (JSON, query string, urlencoded, multipart), errors out.

Follows https://core.telegram.org/bots/api#making-requests: answers are
``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code", "description", "parameters"}``.
"""

from __future__ import annotations

import email.message
import email.parser
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request

JSON = dict[str, Any]
ChatId = int | str

# Methods whose successful result is a Message the bot sent or edited.
MESSAGE_METHODS = frozenset(["sendMessage", "editMessageText", "sendDocument", "sendVenue"])
LIMITED_METHODS = MESSAGE_METHODS | {"editMessageReplyMarkup"}
"""Calls Telegram counts against its flood limits: every message sent and every edit, the
one that only takes a message's buttons away included."""
# Calls that count as the bot answering a chat (for wait_for_replies).
REPLY_METHODS = MESSAGE_METHODS | {"answerCallbackQuery"}

DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict",
    429: "Too Many Requests: retry after {retry_after}",
    500: "Internal Server Error",
    502: "Bad Gateway",
}

# Parameters whose form value is a plain string even when it looks like JSON ("123", "true").
_STRING_PARAMS = frozenset(
    [
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "url",
        "title",
        "address",
        "foursquare_id",
        "foursquare_type",
        "google_place_id",
        "google_place_type",
        "language_code",
        "secret_token",
        "ip_address",
        "description",
        "short_description",
        "document",
    ]
)

_BUTTON_ACTIONS = [
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
]


@dataclass(frozen=True)
class UploadedFile:
    """A file part received in a multipart/form-data request."""

    filename: str | None
    content: bytes
    content_type: str | None = None


class ApiError(Exception):
    """An error answer of the Bot API."""

    def __init__(self, status: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def body(self) -> JSON:
        """The JSON error envelope."""
        out: JSON = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            out["parameters"] = self.parameters
        return out


def shorten(value: Any, limit: int = 60) -> str:
    """A value in at most ``limit`` characters, for dumps."""
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, as Telegram counts entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def chat_key(value: Any) -> ChatId | None:
    """Normalise a chat_id parameter: ints stay ints, '-42' becomes -42, '@name' stays."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        stripped = value.strip()
        if re.fullmatch(r"-?\d+", stripped):
            return int(stripped)
        return stripped or None
    return None


def number(params: JSON, key: str, default: float) -> float:
    """A numeric parameter, or 400."""
    value = params.get(key)
    if value is None or value == "":
        return default
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ApiError(400, f"Bad Request: wrong parameter {key}")
    return value


def require(params: JSON, name: str) -> Any:
    """A parameter that must be present and non-empty, or 400."""
    value = params.get(name)
    if value is None or value == "":
        raise ApiError(400, f"Bad Request: {name} is empty")
    return value


def require_chat(params: JSON) -> ChatId:
    """The ``chat_id`` parameter, or 400."""
    chat = chat_key(params.get("chat_id"))
    if chat is None:
        raise ApiError(400, "Bad Request: chat_id is empty")
    return chat


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def _decode_value(key: str, value: str) -> Any:
    """JSON-decode a form value where the Bot API expects a non-string type."""
    if key in _STRING_PARAMS or value.startswith("attach://"):
        return value
    try:
        return json.loads(value, parse_constant=_reject_constant)
    except ValueError:
        return value


def _parse_multipart(body: bytes, content_type: str) -> dict[str, Any]:
    header = email.message.Message()
    header["content-type"] = content_type
    boundary = header.get_param("boundary")
    if not isinstance(boundary, str) or not boundary:
        raise ApiError(400, "Bad Request: multipart boundary is missing")
    out: dict[str, Any] = {}
    for chunk in body.split(b"--" + boundary.encode("latin-1"))[1:]:
        if chunk.startswith(b"--"):
            break
        head, _, content = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        content = content.removesuffix(b"\r\n")
        headers = email.parser.HeaderParser().parsestr(head.decode("utf-8", "replace") + "\r\n")
        name = headers.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        filename = headers.get_param("filename", header="content-disposition")
        if isinstance(filename, str):
            out[name] = UploadedFile(
                filename.replace("%22", '"'), content, headers.get_content_type()
            )
        else:
            out[name] = content.decode("utf-8", "replace")
    return out


async def read_params(request: Request) -> dict[str, Any]:
    """Decode query string, JSON, urlencoded and multipart parameters into one plain dict."""
    raw: dict[str, Any] = dict(request.query_params.items())
    content_type = request.headers.get("content-type", "")
    media_type = content_type.split(";")[0].strip().lower()
    body = await request.body()
    if body and media_type == "application/json":
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise ApiError(400, "Bad Request: can't parse JSON body") from exc
        if not isinstance(data, dict):
            raise ApiError(400, "Bad Request: JSON body must be an object")
        raw.update(data)
    elif media_type == "application/x-www-form-urlencoded":
        raw.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    elif media_type == "multipart/form-data":
        raw.update(_parse_multipart(body, content_type))
    params = {k: _decode_value(k, v) if isinstance(v, str) else v for k, v in raw.items()}
    for key, value in params.items():  # files sent as attach://<part name>
        if isinstance(value, str) and value.startswith("attach://"):
            part = raw.get(value.removeprefix("attach://"))
            if isinstance(part, UploadedFile):
                params[key] = part
    return params


def inline_markup(value: Any) -> tuple[JSON | None, list[list[str]] | None]:
    """Validate reply_markup: (inline keyboard to attach or None, reply keyboard labels)."""
    if value is None:
        return None, None
    if not isinstance(value, dict):
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    if "keyboard" in value:
        rows = value["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        labels = [[b["text"] if isinstance(b, dict) else str(b) for b in row] for row in rows]
        return None, labels
    rows = value.get("inline_keyboard")
    if rows is None:
        return None, None
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise ApiError(400, "Bad Request: can't parse inline keyboard markup JSON object")
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise ApiError(400, "Bad Request: can't parse inline keyboard button")
            if "callback_data" in button:
                data = button["callback_data"]
                if not isinstance(data, str) or not 1 <= len(data.encode()) <= 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            elif not any(key in button for key in _BUTTON_ACTIONS):
                raise ApiError(
                    400,
                    "Bad Request: can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard",
                )
    if not any(rows):
        return None, None
    return {"inline_keyboard": rows}, None
