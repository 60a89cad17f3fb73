"""Trains the churn model: the notebook's logic, copied into a script."""
import sys

import pandas as pd
import lightgbm as lgb


def main(data_path: str, model_path: str) -> None:
    df = pd.read_csv(data_path)
    model = lgb.LGBMClassifier(n_estimators=500, learning_rate=0.05)
    model.fit(df.drop(columns=["churned"]), df.churned)
    model.booster_.save_model(model_path)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
