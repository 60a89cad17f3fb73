"""Churn model package."""
