"""Delivery: the sender that hands due rows to channels, and the scheduled tick."""
