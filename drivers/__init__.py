"""Hardware adapters: printers and scanners behind small interfaces, with fakes."""
