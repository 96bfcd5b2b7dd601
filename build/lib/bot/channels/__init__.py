"""Channels: Telegram, SMS, the terminal demo. Only here are `telegram` and provider SDKs
imported."""
