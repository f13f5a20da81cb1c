"""The principal's review: day view, charts, week view, digest and end of day."""
