"""Turn prepared rows into model features: one-hot categoricals, clipped tenure."""
import sys
from pathlib import Path

import pandas as pd
import yaml

params = yaml.safe_load(open("params.yaml"))["featurize"]
src, out = Path(sys.argv[1]), Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)

for split in ("train", "test"):
    df = pd.read_csv(src / f"{split}.csv")
    df["tenure_months"] = df["tenure_months"].clip(upper=params["max_tenure_months"])
    df = pd.get_dummies(df, columns=params["one_hot"], dtype=int)
    df.drop(columns=["customer_id"]).to_csv(out / f"{split}.csv", index=False)
