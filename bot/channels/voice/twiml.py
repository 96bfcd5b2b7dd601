"""A prompt of the phone line as TwiML: sentences said, then a question (Gather) or goodbye."""

from __future__ import annotations

import re

from twilio.twiml.voice_response import Gather, VoiceResponse

from handlers.voice.prompts import Prompt

GATHER_TIMEOUT = 9
"""Seconds of silence Twilio waits for an answer (its default, 5, cuts slow callers off)."""

SPEECH_TIMEOUT = "3"
"""Seconds of quiet that end a spoken answer (a pause mid-sentence does not)."""

SAY = {
    "fr": ("fr-FR", "Polly.Lea-Neural"),
    "en": ("en-GB", "Polly.Amy-Neural"),
    "ar": ("arb", "Polly.Zeina"),
    "tr": ("tr-TR", "Polly.Filiz"),
}
"""The language and voice each catalog language is said in."""

LISTEN = {"fr": "fr-FR", "en": "en-GB", "ar": "ar-MA", "tr": "tr-TR"}
"""The language a spoken answer is recognised in."""

MAX_HINTS = 100
MAX_HINT_LENGTH = 100
"""Twilio takes 500 hints of 100 characters at most; fewer keep recognition sharp."""

SLOW = "85%"

_NOT_IN_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters XML 1.0 cannot hold (a U+FFFE in a title would make every answer unreadable)."""


def speakable(text: str) -> str:
    """``text`` with the characters XML cannot hold taken out."""
    return _NOT_IN_XML.sub("", text)


def hints_of(prompt: Prompt) -> str:
    """The words a spoken answer is likely to hold, as Twilio's comma-separated list."""
    cleaned = (speakable(hint).replace(",", " ").strip()[:MAX_HINT_LENGTH] for hint in prompt.hints)
    return ", ".join(dict.fromkeys(hint for hint in cleaned if hint))


def twiml(prompt: Prompt, action: str) -> str:
    """The TwiML for ``prompt``; a question posts its answer (or its silence) to ``action``."""
    response = VoiceResponse()
    if not prompt.listen:
        _say(response, prompt)
        response.hangup()
        return str(response)
    gather = response.gather(
        input="dtmf speech",
        action=action,
        method="POST",
        language=LISTEN.get(prompt.language, "fr-FR"),
        hints=hints_of(prompt) or None,
        timeout=GATHER_TIMEOUT,
        speech_timeout=SPEECH_TIMEOUT,
        num_digits=1,
        action_on_empty_result=True,
    )
    _say(gather, prompt)
    response.redirect(action, method="POST")  # a silence reaches the action either way
    return str(response)


def _say(verb: VoiceResponse | Gather, prompt: Prompt) -> None:
    language, voice = SAY.get(prompt.language, SAY["fr"])
    for said in prompt.sentences:
        sentence = speakable(said)
        if prompt.slow:
            verb.say(voice=voice, language=language).prosody(sentence, rate=SLOW)
            verb.pause(length=1)
        else:
            verb.say(sentence, voice=voice, language=language)
