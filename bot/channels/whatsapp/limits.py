"""Meta's documented limits and error codes for the WhatsApp Cloud API, in one place.

Sources (developers.facebook.com/docs/whatsapp/cloud-api/...):
``messages/interactive-reply-buttons-messages``, ``messages/interactive-list-messages``,
``messages/text-messages``, ``reference/media#supported-media-types``,
``guides/send-message-templates``, ``support/error-codes``,
``guides/set-up-webhooks`` (payloads up to 3 MB; we accept 1 MiB, far above any message).
"""

from __future__ import annotations

TEXT_BODY = 4096
"""Characters in a text message's body."""

INTERACTIVE_BODY = 1024
"""Characters in the body of an interactive (buttons or list) message."""

REPLY_BUTTONS = 3
REPLY_BUTTON_TITLE = 20
REPLY_BUTTON_ID = 256
"""Reply buttons: at most three, titles of at most 20 characters, ids of at most 256."""

LIST_ROWS = 10
LIST_ROW_TITLE = 24
LIST_ROW_DESCRIPTION = 72
LIST_ROW_ID = 200
LIST_BUTTON = 20
LIST_SECTION_TITLE = 24
"""List messages: ten rows in all, titles 24, descriptions 72, ids 200; the button that opens
the list and section titles 20 and 24."""

CAPTION = 1024
"""Characters in a media caption."""

DOCUMENT_TYPES = frozenset(
    {
        "text/plain",
        "application/pdf",
        "application/msword",
        "application/vnd.ms-excel",
        "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    }
)
"""Document types Meta accepts; ``text/calendar`` is not one, so a calendar file goes as
``text/plain`` under its ``.ics`` name (phones open it by its name)."""

TEMPLATE_NAME = 512
TEMPLATE_BODY = 1024
TEMPLATE_QUICK_REPLY = 25
TEMPLATE_BUTTONS = 10
"""Templates: names of lowercase letters, digits and _ (512 at most), bodies of 1024
characters, quick-reply buttons of 25 characters (ten at most)."""

WINDOW_HOURS = 24
"""A person's message opens a 24-hour window for free-form messages; outside it only
approved templates may be sent."""

MAX_WEBHOOK_BYTES = 1024 * 1024
"""The largest webhook body read (413 beyond)."""

# Error codes (support/error-codes).
RE_ENGAGEMENT = 131047
"""More than 24 hours since the person's last message: only a template may be sent."""
UNDELIVERABLE = 131026
"""The number is not on WhatsApp (or cannot receive: old app, terms not accepted)."""
RECIPIENT_IS_SENDER = 131021
UNREACHABLE_CODES = frozenset({UNDELIVERABLE, RECIPIENT_IS_SENDER})
"""Codes that mean the number cannot be reached: the person is marked so."""
RATE_LIMIT_CODES = frozenset({4, 80007, 130429, 131048, 131056})
"""Throughput, spam and per-pair rate limits: slow down and try again."""
TEMPORARY_CODES = frozenset({1, 2, 131000, 131016})
"""Unknown or temporary errors, service unavailable: try again later."""
PARAMETER_FORMAT = 132018
"""A template value holds a new line, a tab or more than four spaces in a row."""
