"""The phone line's script: what a caller hears and what each key does."""
