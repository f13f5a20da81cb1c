"""partner-kiosk: the front-office sign-in kiosk for school partner staff."""

__version__ = "0.1.0"
