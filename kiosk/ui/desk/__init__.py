"""The front desk console: a Textual app for office clerks and principals."""
