"""The front desk console's logic: alerts, overrides, look-ups, who is in.

``console.Desk`` is what the desk app calls; ``queries`` holds the reads that
principal tools share (``missed_alerts``); ``actions`` the writes.
"""
