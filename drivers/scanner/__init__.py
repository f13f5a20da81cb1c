"""Barcode readers: keyboard wedge, serial and camera."""
