"""Textual user interfaces: the kiosk screen (and later the desk and review)."""
