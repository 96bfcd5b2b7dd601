"""Every number the reading of a message turns on, in one place.

Probabilities are the classifier's (``core.understanding.classifier``), between 0 and 1.
Sizes are counts of words or characters of the normalised message.
"""

from __future__ import annotations

ENOUGH = 0.35
"""Below this probability, the classifier's best guess is not read at all (unknown)."""

STOP_BESIDE = 0.2
"""A word of stopping and a word of the messages in a message of one clause, the classifier
torn between nothing and a stop at least this likely: judged as a stop (the law on texts asks
that a stop be obeyed); in a message of several clauses, ENOUGH."""

SURE = 0.55
"""Below this probability, cancel, erase and stop are not acted on (unknown)."""

SURE_YES = 0.65
"""A yes confirms a booking or a cancellation: it needs a wider margin than SURE."""

BARE_CANCEL = 0.85
"""A cancel with neither a cancel word nor a negation ("empêchement") needs this much."""

BARE_CANCEL_WORDS = 3
"""A cancel that neither names the act nor says one cannot come needs this many words: "won
pls" (one, by ear) is no cancel."""

ASIDE = 0.1
"""A clear cancel of one's seat is read only if the classifier sees a cancel this likely."""

SHORT_ANSWER_WORDS = 4
"""A short answer ("ok super", "non merci") has at most this many words."""

CHANGED_MIND_WORDS = 12
"""An answer changed in the message ("no wait, yes that's right") is read in at most this
many words."""

OWN_BOOKING_WORDS = 4
"""'mes ateliers', 'my next class': naming one's own bookings in at most this many words asks
to see them."""

MEANING_WORDS = 4
"""'wach t9sad ?', 'ne demek': "what do you mean" in at most this many words is not understood."""

MAX_CHOICE = 20
"""The largest choice number read from digits: a longer list is never shown."""

MAX_ANALYSED = 1000
"""Only the first this many characters of a very long message are read."""

TITLE_SCORE = 86
"""How close (rapidfuzz WRatio, 0-100) a message must be to a workshop title to name it."""

TITLE_MIN_CHARS = 5
"""A normalised message shorter than this never names a workshop title."""

TYPO_MIN_LETTERS = 6
"""A word shorter than this is never read as a misspelt key word ("anunler", "confrime")."""

ANSWER_TYPO_MIN_LETTERS = 6
"""A yes, no or number word shorter than this is read through a slip only when a letter is
typed twice or two letters swapped ("evett", "thrid"), never one missing or changed."""

LIST_SENTENCE_WORDS = 10
"""On a list, a number anywhere in a sentence of at most this many words picks a line."""

LABEL_SCORE = 85
"""How close (rapidfuzz ratio, 0-100) a message must be to a button's own words to press it."""

CLOSE = 0.15
"""When the classifier's two best intents are closer than this, the person is asked which."""

LOW = 0.5
"""Below this probability, the person is asked which of the two best they meant."""

HIGH = 0.85
"""A cancel or an erase read below this is always asked about first ("Vous voulez : ...")."""

ASK_AT_LEAST = 0.2
"""A reading is never offered as a choice below this probability."""

CLAUSE_ALONE = 0.9
"""A clause read on its own speaks for the whole message (a request among other words) only
this sure, unless it acts from its own word ("for your information" is no request)."""

LONG_MESSAGE_WORDS = 20
"""From this many words, a message not understood whole is read sentence by sentence
(``pipeline._long_message``)."""

SENTENCE_ALONE = 0.6
"""How sure the reading of one sentence of a long message must be to speak for the whole."""

NAMED_CHOICE_WORDS = 25
"""A choice named beside a word for it ("le choix numéro 4 de la liste") is read in a sentence
of at most this many words (``numbers.named_choice``)."""

NAMED_CHOICE_NEAR = 3
"""How many words away from its number that word may stand."""
