"""Frameworks across initiatives: the portfolio of co-creation initiatives."""
