"""Channels, all of one shape (:mod:`bot.channels.channel`): Telegram, SMS, WhatsApp, e-mail, the
terminal demo; the HTTP server. Only here are `telegram` and provider SDKs imported."""
