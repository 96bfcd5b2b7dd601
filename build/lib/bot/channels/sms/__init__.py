"""The SMS channel: provider webhooks in, the same flows, numbered GSM-7 texts out."""
