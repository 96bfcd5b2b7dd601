"""Updates: what people do, as Update objects, and the getUpdates queue with its offsets.

See https://core.telegram.org/bots/api#getupdates: an update is confirmed once getUpdates is
called with an offset above its update_id; long polling returns as soon as one comes.
"""

from __future__ import annotations

import copy
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from testkit.bot_api.records import Signal
from testkit.bot_api.store import MessageStore
from testkit.bot_api.wire import JSON, ApiError, ChatId, number, utf16_len

# Update types delivered when allowed_updates was never given (as documented).
_DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?")
_POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)


@dataclass
class _Pending:
    update: JSON
    forced: bool = False
    delivered: bool = False

    @property
    def update_id(self) -> int:
        return int(self.update["update_id"])


def _update_kind(update: JSON) -> str:
    return next((key for key in update if key != "update_id"), "")


class Updates:
    """The queue of updates not yet confirmed, and the factories of what people do."""

    def __init__(self, store: MessageStore) -> None:
        self.store = store
        self.delivered: list[JSON] = []
        self.queries: dict[str, ChatId] = {}
        self.allowed_updates: set[str] | None = None
        self.signal = Signal()
        self._pending: list[_Pending] = []
        self._next_update_id = 100_000_001
        self._next_query = 1
        self._poll_generation = 0

    # ------------------------------------------------------------------ the queue

    def inject(self, update: JSON) -> JSON:
        """Queue a raw update (its update_id is kept when present)."""
        update = copy.deepcopy(update)
        if "update_id" in update:
            self._next_update_id = max(self._next_update_id, int(update["update_id"]) + 1)
        else:
            update = {"update_id": self._next_update_id, **update}
            self._next_update_id += 1
        self._pending.append(_Pending(update))
        self.signal.notify()
        return copy.deepcopy(update)

    def redeliver(self, update: JSON) -> JSON:
        """Queue an already delivered update again, even below the confirmed offset."""
        update = copy.deepcopy(update)
        self._pending.append(_Pending(update, forced=True))
        self.signal.notify()
        return copy.deepcopy(update)

    def pending(self) -> list[JSON]:
        """Updates not yet confirmed by getUpdates."""
        return [copy.deepcopy(p.update) for p in self._pending]

    def pending_ids(self) -> list[int]:
        """The update_id of each update not yet confirmed."""
        return [p.update_id for p in self._pending]

    def clear(self) -> None:
        """Drop every pending update (drop_pending_updates)."""
        self._pending.clear()

    async def poll(self, params: JSON, closing: Callable[[], bool]) -> list[JSON]:
        """getUpdates: confirm below ``offset``, then wait up to ``timeout`` for updates."""
        offset = int(number(params, "offset", 0))
        limit = min(max(int(number(params, "limit", 100)), 1), 100)
        timeout = max(number(params, "timeout", 0), 0.0)
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self.allowed_updates = {str(kind) for kind in allowed} or None
        self._poll_generation += 1
        generation = self._poll_generation
        self.signal.notify()  # an older long poll is terminated by this one
        self._confirm(offset)
        deadline = time.monotonic() + timeout
        while True:
            if generation != self._poll_generation:
                raise ApiError(409, _POLL_CONFLICT)
            batch = self._take(limit)
            left = deadline - time.monotonic()
            if batch or left <= 0 or closing():
                return batch
            await self.signal.wait(left)

    def _confirm(self, offset: int) -> None:
        if offset > 0:
            self._pending = [
                p for p in self._pending if p.update_id >= offset or (p.forced and not p.delivered)
            ]
        elif offset < 0:
            keep = sorted(self._pending, key=lambda p: p.update_id)[offset:]
            self._pending = [p for p in self._pending if any(p is k for k in keep)]

    def _take(self, limit: int) -> list[JSON]:
        allowed = self.allowed_updates
        wanted: list[_Pending] = []
        for pending in sorted(self._pending, key=lambda p: (not p.forced, p.update_id)):
            kind = _update_kind(pending.update)
            ok = kind in allowed if allowed else kind not in _DEFAULT_EXCLUDED_UPDATES
            if not ok:
                self._pending.remove(pending)
            elif len(wanted) < limit:
                wanted.append(pending)
        for pending in wanted:
            pending.delivered = True
            self.delivered.append(copy.deepcopy(pending.update))
        return [copy.deepcopy(p.update) for p in wanted]

    # ------------------------------------------------------------------ what people do

    def text(
        self,
        user_id: int,
        text: str,
        *,
        first_name: str = "Marie",
        language_code: str = "fr",
        reply_to: int | None = None,
    ) -> JSON:
        """The user sends text; a leading /command gets its bot_command entity."""
        extra: JSON = {"text": text}
        command = _COMMAND_RE.match(text)
        if command:
            extra["entities"] = [
                {"offset": 0, "length": utf16_len(command.group(0)), "type": "bot_command"}
            ]
        if reply_to is not None:
            replied = self.store.message(user_id, reply_to)
            if replied is None:
                raise LookupError(f"no message {reply_to} in chat {user_id} to reply to")
            replied.pop("reply_to_message", None)
            extra["reply_to_message"] = replied
        return self._message(user_id, extra, first_name, language_code)

    def sticker(self, user_id: int, *, emoji: str = "👍") -> JSON:
        """The user sends a sticker."""
        file_id, unique = self.store.file_ids("sticker")
        sticker = {
            "file_id": file_id,
            "file_unique_id": unique,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return self._message(user_id, {"sticker": sticker})

    def location(self, user_id: int, latitude: float, longitude: float) -> JSON:
        """The user shares a location (the paperclip, then "Location")."""
        return self._message(user_id, {"location": {"latitude": latitude, "longitude": longitude}})

    def voice(self, user_id: int, *, duration: int = 3) -> JSON:
        """The user sends a voice note."""
        file_id, unique = self.store.file_ids("voice")
        voice = {
            "file_id": file_id,
            "file_unique_id": unique,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": 4_000 * duration,
        }
        return self._message(user_id, {"voice": voice})

    def photo(self, user_id: int, *, caption: str | None = None) -> JSON:
        """The user sends a photo (two sizes, as Telegram does)."""
        sizes = []
        for side in (90, 320):
            file_id, unique = self.store.file_ids("photo")
            sizes.append(
                {
                    "file_id": file_id,
                    "file_unique_id": unique,
                    "width": side,
                    "height": side,
                    "file_size": side * 40,
                }
            )
        extra: JSON = {"photo": sizes}
        if caption is not None:
            extra["caption"] = caption
        return self._message(user_id, extra)

    def press(self, user_id: int, message_id: int, data: str) -> JSON:
        """The user presses an inline button with ``data`` on a bot message in their chat."""
        stored = self.store.messages.get(user_id, {}).get(message_id)
        if stored is None or not stored["from"]["is_bot"]:
            raise LookupError(f"no bot message {message_id} in chat {user_id}")
        query_id = str(4_000_000_000_000_000_000 + self._next_query)
        self._next_query += 1
        self.queries[query_id] = user_id
        query = {
            "id": query_id,
            "from": dict(self.store.person(user_id, None, None)),
            "message": copy.deepcopy(stored),
            "chat_instance": str(-(7_000_000_000_000_000_000 + user_id)),
            "data": data,
        }
        return self.inject({"callback_query": query})

    def _message(
        self,
        user_id: int,
        content: JSON,
        first_name: str | None = None,
        language_code: str | None = None,
    ) -> JSON:
        message = self.store.user_message(user_id, content, first_name, language_code)
        return self.inject({"message": message})
