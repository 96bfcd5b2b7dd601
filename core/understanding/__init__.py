"""Understanding: what a person wrote, read as an intent (pure text in, a reading out).

This room imports nothing that touches the database or the outbox.
"""
