"""atelier-bot: book a seat in a free digital workshop by chatting."""
