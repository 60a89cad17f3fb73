"""Churn forecast: features, training and serving for the customer churn model."""
