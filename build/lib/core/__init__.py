"""The rules and services of atelier-bot: booking, waiting list, outbox, reminders, i18n."""
