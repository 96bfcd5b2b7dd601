"""The dashboard's pages and actions, one module per subject."""
