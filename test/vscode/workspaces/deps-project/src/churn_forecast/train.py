"""Train the churn classifier from a parquet snapshot."""

import sys

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split
from xgboost import XGBClassifier

SEED = 42


def main() -> None:
    frame = pd.read_parquet(sys.argv[1])
    features = frame.drop(columns=["churned"])
    train_x, test_x, train_y, test_y = train_test_split(
        features, frame["churned"], test_size=0.2, random_state=SEED
    )
    model = XGBClassifier(n_estimators=300, random_state=SEED)
    model.fit(train_x, train_y)
    print(f"accuracy: {np.mean(model.predict(test_x) == test_y):.3f}")
    model.save_model("models/churn.json")


if __name__ == "__main__":
    main()
