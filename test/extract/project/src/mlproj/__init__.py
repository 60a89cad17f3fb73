"""Fixture package for the extract-cell execution test."""
