"""The Bot API methods the bot calls, with the checks Telegram makes.

Only what ``bot/`` uses exists (getMe, getUpdates, setWebhook, deleteWebhook, sendMessage,
editMessageText, editMessageReplyMarkup, answerCallbackQuery, sendDocument, sendVenue,
setMyCommands, setMyDescription, setMyShortDescription); any other method answers 404, as an
unknown one does.
"""

from __future__ import annotations

import copy
import json
import mimetypes
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from testkit.bot_api.store import MessageStore, caption_of, formatted
from testkit.bot_api.updates import Updates
from testkit.bot_api.wire import (
    JSON,
    ApiError,
    UploadedFile,
    chat_key,
    inline_markup,
    require,
    require_chat,
)

Method = Callable[[JSON], Awaitable[Any]]

# https://core.telegram.org/bots/api#botcommand and #setmydescription
COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
COMMAND_DESCRIPTION_MAX = 256
DESCRIPTION_MAX = 512
SHORT_DESCRIPTION_MAX = 120
_LANGUAGE_CODE = re.compile(r"(?:[a-z]{2})?")
_SCOPES = {
    "default": (),
    "all_private_chats": (),
    "all_group_chats": (),
    "all_chat_administrators": (),
    "chat": ("chat_id",),
    "chat_administrators": ("chat_id",),
    "chat_member": ("chat_id", "user_id"),
}

_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
_WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)


def _language(params: JSON) -> str:
    code = str(params.get("language_code") or "")
    if not _LANGUAGE_CODE.fullmatch(code):
        raise ApiError(400, "Bad Request: invalid language code specified")
    return code


def _scope_key(params: JSON, store: MessageStore) -> str:
    """The scope as a key; a chat scope needs a chat the bot knows (its person wrote)."""
    scope = params.get("scope") or {"type": "default"}
    if not isinstance(scope, dict) or scope.get("type") not in _SCOPES:
        raise ApiError(400, "Bad Request: can't parse BotCommandScope JSON object")
    for needed in _SCOPES[str(scope["type"])]:
        chat = chat_key(scope.get(needed))
        if chat is None or (chat not in store.people and chat not in store.messages):
            raise ApiError(400, "Bad Request: chat not found")
    return json.dumps(scope, sort_keys=True)


class Methods:
    """The methods' state (webhook, commands, descriptions, answers) and their handlers."""

    def __init__(self, store: MessageStore, updates: Updates, closing: Callable[[], bool]):
        self.store = store
        self.updates = updates
        self.closing = closing
        self.webhook_url = ""
        self.commands: dict[tuple[str, str], list[JSON]] = {}
        self.descriptions: dict[str, str] = {}
        self.short_descriptions: dict[str, str] = {}
        self.callback_answers: dict[str, JSON] = {}

    def table(self) -> dict[str, tuple[str, Method]]:
        """Lower-case method name -> (its spelling, its handler)."""
        names = [name.removeprefix("m_") for name in dir(self) if name.startswith("m_")]
        return {name.lower(): (name, getattr(self, "m_" + name)) for name in names}

    async def m_getMe(self, params: JSON) -> JSON:
        return {
            **self.store.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def m_getUpdates(self, params: JSON) -> list[JSON]:
        if self.webhook_url:
            raise ApiError(409, _WEBHOOK_CONFLICT)
        return await self.updates.poll(params, self.closing)

    async def m_setWebhook(self, params: JSON) -> bool:
        url = str(params.get("url") or "")
        if url and urlsplit(url).scheme != "https":
            raise ApiError(
                400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
            )
        self.webhook_url = url
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self.updates.allowed_updates = {str(kind) for kind in allowed} or None
        if params.get("drop_pending_updates"):
            self.updates.clear()
        return True

    async def m_deleteWebhook(self, params: JSON) -> bool:
        self.webhook_url = ""
        if params.get("drop_pending_updates"):
            self.updates.clear()
        return True

    async def m_sendMessage(self, params: JSON) -> JSON:
        require_chat(params)
        if not str(params.get("text") or "").strip():
            raise ApiError(400, "Bad Request: message text is empty")
        text, entities = formatted(params, "text", "entities")
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        content: JSON = {"text": text}
        if entities:
            content["entities"] = entities
        return self.store.send(params, content)

    async def m_editMessageText(self, params: JSON) -> JSON:
        stored = self.store.stored(params, missing="message to edit not found")
        if not stored["from"]["is_bot"]:
            raise ApiError(400, "Bad Request: message can't be edited")
        if "text" not in stored:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        if not str(params.get("text") or "").strip():
            raise ApiError(400, "Bad Request: message text is empty")
        text, entities = formatted(params, "text", "entities")
        if len(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        inline, _ = inline_markup(params.get("reply_markup"))
        before = (stored["text"], stored.get("entities", []), stored.get("reply_markup"))
        if before == (text, entities, inline):
            raise ApiError(400, _NOT_MODIFIED)
        stored["text"] = text
        stored.pop("entities", None)
        if entities:
            stored["entities"] = entities
        stored.pop("reply_markup", None)
        if inline is not None:
            stored["reply_markup"] = inline
        stored["edit_date"] = int(time.time())
        return copy.deepcopy(stored)

    async def m_editMessageReplyMarkup(self, params: JSON) -> JSON:
        stored = self.store.stored(params, missing="message to edit not found")
        if not stored["from"]["is_bot"]:
            raise ApiError(400, "Bad Request: message can't be edited")
        inline, _ = inline_markup(params.get("reply_markup"))
        if stored.get("reply_markup") == inline:
            raise ApiError(400, _NOT_MODIFIED)
        stored.pop("reply_markup", None)
        if inline is not None:
            stored["reply_markup"] = inline
        stored["edit_date"] = int(time.time())
        return copy.deepcopy(stored)

    async def m_answerCallbackQuery(self, params: JSON) -> bool:
        query_id = str(require(params, "callback_query_id"))
        if query_id not in self.updates.queries:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        text = params.get("text")
        if isinstance(text, str) and len(text) > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        self.callback_answers[query_id] = dict(params)
        return True

    async def m_sendDocument(self, params: JSON) -> JSON:
        require_chat(params)
        document = require(params, "document")
        files = self.store.files
        if isinstance(document, UploadedFile):
            file_id, unique = self.store.file_ids("document")
            files[file_id] = document
            name = document.filename or "document"
            mime = document.content_type
            if not mime or mime == "application/octet-stream":
                mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
            info = {
                "file_id": file_id,
                "file_unique_id": unique,
                "file_name": name,
                "mime_type": mime,
                "file_size": len(document.content),
            }
        elif isinstance(document, str) and document in files:
            known = files[document]
            info = {
                "file_id": document,
                "file_unique_id": document.replace("-file-", "-uniq-"),
                "file_name": known.filename or "document",
                "file_size": len(known.content),
            }
        else:
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        return self.store.send(params, {"document": info, **caption_of(params)})

    async def m_sendVenue(self, params: JSON) -> JSON:
        require_chat(params)
        try:
            latitude = float(require(params, "latitude"))
            longitude = float(require(params, "longitude"))
        except (TypeError, ValueError) as exc:
            raise ApiError(400, "Bad Request: wrong latitude or longitude") from exc
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise ApiError(400, "Bad Request: wrong latitude or longitude")
        location = {"latitude": latitude, "longitude": longitude}
        venue: JSON = {
            "location": location,
            "title": str(require(params, "title")),
            "address": str(require(params, "address")),
        }
        for key in ("foursquare_id", "foursquare_type", "google_place_id", "google_place_type"):
            if params.get(key):
                venue[key] = params[key]
        return self.store.send(params, {"venue": venue, "location": dict(location)})

    async def m_setMyCommands(self, params: JSON) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError(400, "Bad Request: can't parse commands JSON object")
        for command in commands:
            name = command.get("command") if isinstance(command, dict) else None
            description = command.get("description") if isinstance(command, dict) else None
            if not isinstance(name, str) or not COMMAND_NAME.fullmatch(name):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not description.strip():
                raise ApiError(400, "Bad Request: command description is empty")
            if len(description) > COMMAND_DESCRIPTION_MAX:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[(_scope_key(params, self.store), _language(params))] = copy.deepcopy(commands)
        return True

    async def m_setMyDescription(self, params: JSON) -> bool:
        text = str(params.get("description") or "")
        if len(text) > DESCRIPTION_MAX:
            raise ApiError(400, "Bad Request: description is too long")
        self._describe(self.descriptions, _language(params), text)
        return True

    async def m_setMyShortDescription(self, params: JSON) -> bool:
        text = str(params.get("short_description") or "")
        if len(text) > SHORT_DESCRIPTION_MAX:
            raise ApiError(400, "Bad Request: short description is too long")
        self._describe(self.short_descriptions, _language(params), text)
        return True

    @staticmethod
    def _describe(texts: dict[str, str], language: str, text: str) -> None:
        if text:
            texts[language] = text
        else:  # an empty text removes it for that language
            texts.pop(language, None)
