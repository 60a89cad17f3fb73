"""Adds a churn-risk column to a customer snapshot with a linear model's published weights."""

import numpy as np
import pandas as pd

FEATURE_COLUMNS = ["tenure_months", "monthly_charges", "support_calls"]


def churn_risk(customers: pd.DataFrame, weights: dict[str, float], bias: float) -> pd.Series:
    """Logistic score in [0, 1] per customer; weights come from the training pipeline's model file."""
    logits = bias + sum(customers[column] * weights[column] for column in FEATURE_COLUMNS)
    return pd.Series(1.0 / (1.0 + np.exp(-logits)), index=customers.index, name="churn_risk")
