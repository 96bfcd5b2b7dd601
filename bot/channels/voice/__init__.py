"""The phone line: Twilio Programmable Voice, answered with TwiML; reminders by call."""
