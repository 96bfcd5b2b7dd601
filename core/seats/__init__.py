"""Seats and the people who hold them: booking, waiting list, reminders' rules, organiser work."""
