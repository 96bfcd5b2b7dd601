"""What queued notices and alerts say, rendered when they go out."""
