"""The Telegram channel: python-telegram-bot in, channel-neutral flows, replies out."""
