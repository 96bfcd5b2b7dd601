"""Channels: Telegram, the terminal demo (and SMS later). Only here is `telegram` imported."""
