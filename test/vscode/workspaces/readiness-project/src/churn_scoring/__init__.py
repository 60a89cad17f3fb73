"""Churn risk scores for the customer snapshot."""
