"""The conversation machinery: one event in one transaction, choices, routing, the step context."""
