"""The outbox: every message that must go out is a row, queued once and claimed when due."""
