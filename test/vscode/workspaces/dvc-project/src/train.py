"""Fit the churn classifier on the training features."""
import pickle
import sys
from pathlib import Path

import pandas as pd
import yaml
from sklearn.ensemble import RandomForestClassifier

params = yaml.safe_load(open("params.yaml"))["train"]
features, model_path = Path(sys.argv[1]), Path(sys.argv[2])

df = pd.read_csv(features / "train.csv")
model = RandomForestClassifier(
    n_estimators=params["n_estimators"], max_depth=params["max_depth"], random_state=params["seed"]
)
model.fit(df.drop(columns=["churned"]), df["churned"])
model_path.parent.mkdir(parents=True, exist_ok=True)
model_path.write_bytes(pickle.dumps(model))
