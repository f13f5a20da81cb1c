"""Rules and workflows of the kiosk, free of any user interface."""
