"""The schedule and its files: import, file formats, exports, calendar files, backups."""
