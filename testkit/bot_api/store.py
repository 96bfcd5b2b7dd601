"""The chats as Telegram keeps them: people, messages (current state), reply keyboards, files."""

from __future__ import annotations

import copy
import time
from typing import Any

from testkit.bot_api.html_text import parse_html
from testkit.bot_api.records import BotMessage
from testkit.bot_api.wire import (
    JSON,
    ApiError,
    ChatId,
    UploadedFile,
    chat_key,
    inline_markup,
    require_chat,
)


class MessageStore:
    """Every message of every chat, by chat and message id, as edited since."""

    def __init__(self, bot_user: JSON) -> None:
        self.bot_user = bot_user
        self.files: dict[str, UploadedFile] = {}
        self.messages: dict[ChatId, dict[int, JSON]] = {}
        self.keyboards: dict[tuple[ChatId, int], list[list[str]]] = {}
        self.people: dict[int, JSON] = {}
        self._next_message_id: dict[ChatId, int] = {}
        self._next_file = 1

    # ------------------------------------------------------------------ reading

    def message(self, chat_id: ChatId, message_id: int) -> JSON | None:
        """Current state of a stored message (None when unknown or deleted)."""
        chat = chat_key(chat_id)
        found = self.messages.get(chat, {}).get(message_id) if chat is not None else None
        return copy.deepcopy(found)

    def bot_message(self, message: JSON) -> BotMessage:
        """A Message object of the bot, as a person sees it."""
        key = (message["chat"]["id"], message["message_id"])
        return BotMessage.from_message(copy.deepcopy(message), self.keyboards.get(key))

    def bot_messages(self, chat_id: ChatId) -> list[BotMessage]:
        """Current state of the bot's messages still in a chat, oldest first."""
        chat = chat_key(chat_id)
        stored = self.messages.get(chat, {}) if chat is not None else {}
        return [self.bot_message(m) for _, m in sorted(stored.items()) if m["from"]["is_bot"]]

    def stored(self, params: JSON, *, missing: str) -> JSON:
        """The message named by ``chat_id`` and ``message_id``, or 400 ``missing``."""
        chat = require_chat(params)
        message_id = params.get("message_id")
        stored = (
            self.messages.get(chat, {}).get(message_id) if isinstance(message_id, int) else None
        )
        if stored is None:
            raise ApiError(400, f"Bad Request: {missing}")
        return stored

    # ------------------------------------------------------------------ people and chats

    def person(self, user_id: int, first_name: str | None, language_code: str | None) -> JSON:
        """The User object of a person, created on first use, updated when given."""
        person = self.people.setdefault(
            user_id,
            {"id": user_id, "is_bot": False, "first_name": "Marie", "language_code": "fr"},
        )
        if first_name is not None:
            person["first_name"] = first_name
        if language_code is not None:
            person["language_code"] = language_code
        return person

    def chat(self, chat: ChatId) -> JSON:
        """The Chat object: private for a positive id, else a group."""
        if isinstance(chat, int) and chat > 0:
            name = self.people.get(chat, {}).get("first_name", "User")
            return {"id": chat, "first_name": name, "type": "private"}
        kind = "supergroup" if str(chat).startswith(("-100", "@")) else "group"
        return {"id": chat, "title": str(chat), "type": kind}

    def take_message_id(self, chat: ChatId) -> int:
        """The next message id of a chat (ids count per chat, from 1)."""
        number = self._next_message_id.get(chat, 1)
        self._next_message_id[chat] = number + 1
        return number

    def file_ids(self, kind: str) -> tuple[str, str]:
        """A fresh ``(file_id, file_unique_id)``."""
        number = self._next_file
        self._next_file += 1
        return f"{kind}-file-{number:06d}", f"{kind}-uniq-{number:06d}"

    def user_message(
        self,
        user_id: int,
        content: JSON,
        first_name: str | None = None,
        language_code: str | None = None,
    ) -> JSON:
        """Store a message a person writes in their private chat; return it."""
        person = self.person(user_id, first_name, language_code)
        message = {
            "message_id": self.take_message_id(user_id),
            "from": dict(person),
            "chat": self.chat(user_id),
            "date": int(time.time()),
            **content,
        }
        self.messages.setdefault(user_id, {})[message["message_id"]] = message
        return copy.deepcopy(message)

    # ------------------------------------------------------------------ the bot's messages

    def send(self, params: JSON, content: JSON) -> JSON:
        """Store a message of the bot (with its markup and the one it replies to)."""
        chat = require_chat(params)
        inline, keyboard = inline_markup(params.get("reply_markup"))
        replied = self._reply_target(chat, params)
        message: JSON = {
            "message_id": self.take_message_id(chat),
            "from": dict(self.bot_user),
            "chat": self.chat(chat),
            "date": int(time.time()),
        }
        if replied is not None:
            message["reply_to_message"] = replied
        message.update(content)
        if inline is not None:
            message["reply_markup"] = inline
        self.messages.setdefault(chat, {})[message["message_id"]] = message
        if keyboard is not None:
            self.keyboards[(chat, message["message_id"])] = keyboard
        return copy.deepcopy(message)

    def _reply_target(self, chat: ChatId, params: JSON) -> JSON | None:
        reply = params.get("reply_parameters")
        target: Any = reply.get("message_id") if isinstance(reply, dict) else None
        target = target if target is not None else params.get("reply_to_message_id")
        if target is None:
            return None
        stored = self.messages.get(chat, {}).get(target)
        if stored is None:
            lenient = params.get("allow_sending_without_reply") or (
                isinstance(reply, dict) and reply.get("allow_sending_without_reply")
            )
            if lenient:
                return None
            raise ApiError(400, "Bad Request: message to be replied not found")
        replied = copy.deepcopy(stored)
        replied.pop("reply_to_message", None)
        return replied


def formatted(params: JSON, key: str, entities_key: str) -> tuple[str, list[JSON]]:
    """A text parameter with its entities, parse_mode applied."""
    text = params.get(key)
    text = "" if text is None else str(text)
    mode = str(params.get("parse_mode") or "").lower()
    if mode == "html":
        return parse_html(text)
    given = params.get(entities_key)
    return text, given if isinstance(given, list) else []


def caption_of(params: JSON) -> JSON:
    """The caption fields of a media message (at most 1,024 characters)."""
    caption, entities = formatted(params, "caption", "caption_entities")
    if len(caption) > 1024:
        raise ApiError(400, "Bad Request: message caption is too long")
    out: JSON = {}
    if caption:
        out["caption"] = caption
    if entities:
        out["caption_entities"] = entities
    return out
