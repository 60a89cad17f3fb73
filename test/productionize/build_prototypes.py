"""Writes the bare prototype folders of the "Turn notebook into project" tests (stdlib only).

Each folder is what a data scientist starts with: a notebook, a README and a data file, nothing else.
The notebook is executed here, cell by cell as a kernel would, so its saved outputs are real (the
generated tests assert the values they show). Run `python3 test/productionize/build_prototypes.py`
after editing a notebook below; the folders are committed so tests never depend on this script.
"""
import ast
import contextlib
import io
import json
import os
import random
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent / "fixtures" / "productionize"


def md(text):
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def code(text):
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": text}


def churn_csv():
    rng = random.Random(3)
    rows = ["customer_id,tenure,monthly,churned"]
    for i in range(60):
        tenure, monthly = rng.randint(1, 60), rng.randint(20, 110)
        churned = int(tenure < 18 and monthly > 60) if rng.random() > 0.1 else int(rng.random() > 0.5)
        rows.append(f"C{i:03d},{tenure},{monthly},{churned}")
    return "\n".join(rows) + "\n"


CHURN_CSV = churn_csv()

PROTOTYPES = {
    "churn-prototype": {
        "readme": "# Churn prototype\n\nA first look at which customers leave. Open `churn.ipynb`.\n",
        "data": {"data/customers.csv": CHURN_CSV},
        "notebook": ("churn.ipynb", [
            md("# Customer churn prototype\nQuick exploration of the churn export."),
            code("import csv\nimport json\nimport math"),
            md("## Settings"),
            code("# Where the export lives, and how the model is trained\nDATA_PATH = \"data/customers.csv\"\nLEARNING_RATE = 0.5\nEPOCHS = 40\nTHRESHOLD = 0.5"),
            md("## Loading"),
            code("def load_rows(path):\n    \"\"\"Read the export as a list of dicts.\"\"\"\n    with open(path, newline=\"\") as f:\n        return list(csv.DictReader(f))\n\n\nrows = load_rows(DATA_PATH)\nlen(rows)"),
            md("## Features"),
            code("def to_features(row):\n    # tenure in years, monthly charge in hundreds\n    return [float(row[\"tenure\"]) / 12, float(row[\"monthly\"]) / 100]\n\n\ndef sigmoid(z):\n    return 1 / (1 + math.exp(-z))"),
            code("sigmoid(0.0)"),
            code("to_features({\"tenure\": \"24\", \"monthly\": \"50\"})"),
            code("X = [to_features(r) for r in rows]\ny = [int(r[\"churned\"]) for r in rows]\nprint(len(X), sum(y))"),
            md("## Model"),
            code("class LogisticModel:\n    \"\"\"Logistic regression trained by plain gradient descent.\"\"\"\n\n    def __init__(self, n_features):\n        self.weights = [0.0] * n_features\n        self.bias = 0.0\n\n    def predict_proba(self, x):\n        return sigmoid(sum(w * v for w, v in zip(self.weights, x)) + self.bias)\n\n    def fit(self, X, y, lr, epochs):\n        for _ in range(epochs):\n            for x, target in zip(X, y):\n                err = self.predict_proba(x) - target\n                self.weights = [w - lr * err * v for w, v in zip(self.weights, x)]\n                self.bias -= lr * err\n        return self"),
            code("model = LogisticModel(n_features=2).fit(X, y, lr=LEARNING_RATE, epochs=EPOCHS)\naccuracy = sum((model.predict_proba(x) >= THRESHOLD) == bool(t) for x, t in zip(X, y)) / len(y)\nprint(f\"accuracy={accuracy:.3f}\")"),
            md("## Save the metrics"),
            code("with open(\"metrics.json\", \"w\") as f:\n    json.dump({\"accuracy\": round(accuracy, 4)}, f)\nround(accuracy, 4)"),
        ]),
    },
    "sales-report": {
        "readme": "Monthly sales report, prototyped in a notebook.\n",
        "data": {"sales.csv": "month,region,units,price\n2024-01,north,12,9.5\n2024-01,south,7,11.0\n2024-02,north,15,9.5\n2024-02,south,4,11.0\n2024-03,north,9,10.0\n2024-03,south,11,10.5\n"},
        "notebook": ("report.ipynb", [
            code("import csv\nfrom collections import defaultdict"),
            code("VAT = 0.2\nREGIONS = (\"north\", \"south\")\n\n\ndef gross(net, rate=VAT):\n    \"\"\"Price with VAT, rounded to cents.\"\"\"\n    return round(net * (1 + rate), 2)"),
            code("gross(10.0)"),
            code("with open(\"sales.csv\", newline=\"\") as f:\n    sales = list(csv.DictReader(f))\nrevenue = defaultdict(float)\nfor s in sales:\n    revenue[s[\"region\"]] += gross(int(s[\"units\"]) * float(s[\"price\"]))\nfor region in REGIONS:\n    print(region, round(revenue[region], 2))"),
            code("def best_month(rows, region):\n    totals = {r[\"month\"]: int(r[\"units\"]) for r in rows if r[\"region\"] == region}\n    return max(totals, key=totals.get)\n\nbest_month(sales, \"north\")"),
        ]),
    },
}


def execute(cells, folder):
    """Runs the code cells in `folder` like a kernel and stores each cell's stdout and displayed value."""
    namespace = {"__name__": "__main__"}
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        count = 0
        for cell in cells:
            if cell["cell_type"] != "code":
                continue
            count += 1
            tree = ast.parse(cell["source"])
            last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                exec(compile(tree, "<cell>", "exec"), namespace)
                shown = eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace) if last else None
            outputs = []
            if out.getvalue():
                outputs.append({"name": "stdout", "output_type": "stream", "text": out.getvalue().splitlines(keepends=True)})
            if shown is not None:
                outputs.append({"data": {"text/plain": [repr(shown)]}, "execution_count": count, "metadata": {}, "output_type": "execute_result"})
            cell["execution_count"] = count
            cell["outputs"] = outputs
    finally:
        os.chdir(cwd)


def lines(text):
    return text.splitlines(keepends=True)


for name, spec in PROTOTYPES.items():
    folder = HERE / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / "README.md").write_text(spec["readme"])
    for rel, content in spec["data"].items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(content)
    notebook_name, cells = spec["notebook"]
    execute(cells, folder)
    for written in ("metrics.json",):
        (folder / written).unlink(missing_ok=True)  # the bare folder holds no results yet
    for cell in cells:
        cell["source"] = lines(cell["source"])
    nb = {"cells": cells, "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}, "language_info": {"name": "python"}}, "nbformat": 4, "nbformat_minor": 5}
    (folder / notebook_name).write_text(json.dumps(nb, indent=1) + "\n")
    print(folder)
