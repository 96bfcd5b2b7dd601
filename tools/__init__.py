"""Developer tools, not shipped: building the intent model."""
