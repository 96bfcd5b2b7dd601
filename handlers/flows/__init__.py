"""The conversation flows: menu, browse, book, cancel, help, for someone else, admin."""
