"""Summaries of course exam scores."""
