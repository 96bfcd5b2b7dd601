"""The rules and services of atelier-bot, in rooms of one kind each.

The ground sits at this level (settings, clock, i18n, errors, dialog types, formatting); the rooms
below it import it and, in order, only the rooms under them::

    delivery  ->  schedule  ->  seats  ->  outbox        understanding (alone: pure text)
"""
