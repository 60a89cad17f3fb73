import pandas as pd

from churn_scoring.score import churn_risk


def test_churn_risk_is_one_half_at_zero_logit() -> None:
    customers = pd.DataFrame({"tenure_months": [0], "monthly_charges": [0.0], "support_calls": [0]})
    weights = {"tenure_months": -0.1, "monthly_charges": 0.02, "support_calls": 0.4}
    assert churn_risk(customers, weights, bias=0.0).tolist() == [0.5]
