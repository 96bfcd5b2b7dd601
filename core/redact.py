"""Personal details taken out of texts that are logged or stored: phone numbers, e-mails.

Provider errors often repeat the address they refused ("The 'To' number +336... is not
valid"); such texts go into the logs and into ``outbox.last_error``. What is left says
what went wrong, not to whom.
"""

from __future__ import annotations

import logging
import re

EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]++@[\w-]++(?:\.[\w-]++)+")
"""An address: its name starts where a run of such characters starts, never inside it, and
no part gives back what it took. Each character is looked at a bounded number of times,
so a long run without "@" costs its length, not its length squared (65,536 letters took
about 20 s before)."""
PHONE = re.compile(r"(?<!\w)(?!\d{4}-\d\d-\d\d(?!\d))\+?\(?\d(?:[\s().\-/]{0,2}\d){7,}")
"""Eight digits or more, maybe with +, spaces, dots, dashes or brackets between them (an
E.164 number, "06 12 34 56 78", "06.12.34.56.78"); digits glued to letters (ids such as
``SM0123...``) and ISO dates are left alone. Linear: a try that fails has seen at most
eight digits, one that succeeds is not looked at again."""

EMAIL_MARK = "[e-mail]"
PHONE_MARK = "[number]"


def redact(text: str) -> str:
    """``text`` without phone numbers or e-mail addresses."""
    return PHONE.sub(PHONE_MARK, EMAIL.sub(EMAIL_MARK, text))


class RedactingFilter(logging.Filter):
    """A handler filter: each record's message and traceback, redacted."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the record in place; keep it."""
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info:
            record.exc_text = redact(self._formatter.formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
