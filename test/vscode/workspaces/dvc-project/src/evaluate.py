"""Score one split: write its metrics and the ROC points for `dvc plots`."""
import json
import pickle
import sys
from pathlib import Path

import pandas as pd
import yaml
from sklearn.metrics import f1_score, roc_auc_score, roc_curve

params = yaml.safe_load(open("params.yaml"))["evaluate"]
model = pickle.loads(Path(sys.argv[1]).read_bytes())
split = sys.argv[3]
df = pd.read_csv(Path(sys.argv[2]) / f"{split}.csv")
y, X = df["churned"], df.drop(columns=["churned"])
proba = model.predict_proba(X)[:, 1]

out = Path("eval") / split
out.mkdir(parents=True, exist_ok=True)
metrics = {"roc_auc": roc_auc_score(y, proba), "f1": f1_score(y, proba >= params["threshold"])}
(out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
fpr, tpr, _ = roc_curve(y, proba)
pd.DataFrame({"fpr": fpr, "tpr": tpr}).to_csv(out / "roc.csv", index=False)
