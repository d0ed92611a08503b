"""Lotse: the command line only. Nothing imports this package."""
