"""Visitor badges: what goes on one, laid out for the paper, as ESC/POS and PNG."""
