"""The WhatsApp channel (WhatsApp Business Cloud API): signed webhooks in, the Graph API out."""
