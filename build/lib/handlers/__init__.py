"""Channel-neutral conversation flows: an event in, replies out. No channel is imported here."""
