"""Writes the fixture notebooks of the extract-cell execution test (stdlib only).

Run `python3 test/extract/build_fixtures.py` after editing a notebook below; the .ipynb files are
committed so the test never depends on this script. Cells are written the way Jupyter writes them
(one JSON string per line, indent 1), with markdown cells in between so names can be suggested.
"""
import json
from pathlib import Path

HERE = Path(__file__).parent / "project" / "notebooks"


def md(text):
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def code(text, outputs=None, count=None):
    return {"cell_type": "code", "execution_count": count, "metadata": {}, "outputs": outputs or [], "source": text}


NOTEBOOKS = {
    "01_clean_sales": [
        md("# Sales cleaning\nLoads the raw export and computes revenue per region."),
        code("import csv\nimport statistics\nfrom pathlib import Path"),
        code("# Settings\nDATA = Path(\"../data/sales.csv\")\nMIN_QTY = 1\nregions = {\"north\", \"south\"}"),
        md("## Load the raw rows"),
        code("with DATA.open(newline=\"\") as f:\n    rows = list(csv.DictReader(f))\nprint(len(rows), \"rows\")"),
        code("# Parse numbers\nparsed = []\nbad = 0\nfor r in rows:\n    try:\n        qty = int(r[\"qty\"])\n        price = float(r[\"price\"])\n    except ValueError:\n        bad += 1\n        continue\n    parsed.append({**r, \"qty\": qty, \"price\": price})\nprint(\"bad rows:\", bad)"),
        code("# Keep valid rows\nvalid = [r for r in parsed if r[\"qty\"] >= MIN_QTY and r[\"region\"] in regions]\nif (n_dropped := len(parsed) - len(valid)):\n    print(\"dropped\", n_dropped)"),
        code("# Revenue per region\nrevenue = {}\nfor r in valid:\n    revenue[r[\"region\"]] = revenue.get(r[\"region\"], 0) + r[\"qty\"] * r[\"price\"]\nrevenue = {k: round(v, 2) for k, v in sorted(revenue.items())}\nprint(revenue)"),
        code("# Summary statistics\nprices = [r[\"price\"] for r in valid]\nsummary = {\"mean\": statistics.mean(prices), \"median\": statistics.median(prices), \"stdev\": round(statistics.stdev(prices), 4)}\ndel prices\nprint(summary)"),
        code("regions.add(\"west\")\nprint(sorted(regions))"),
        code("summary", outputs=[{"data": {"text/plain": ["{'mean': 9.78, 'median': 9.99, 'stdev': 4.7}"]}, "execution_count": 9, "metadata": {}, "output_type": "execute_result"}], count=9),
    ],
    "02_train_loop": [
        md("# Linear model, trained by hand"),
        code("import random\nimport math\nrandom.seed(42)"),
        code("# Synthetic data\nN = 200\nxs = [random.uniform(-1, 1) for _ in range(N)]\nys = [3.0 * x + 0.5 + random.gauss(0, 0.1) for x in xs]"),
        code("# Hyperparameters\nlr = 0.1\nepochs = 30\nw, b = 0.0, 0.0\nhistory = []"),
        md("## Train"),
        code("for epoch in range(epochs):\n    gw = gb = 0.0\n    for x, y in zip(xs, ys):\n        err = w * x + b - y\n        gw += 2 * err * x / N\n        gb += 2 * err / N\n    w -= lr * gw\n    b -= lr * gb\n    loss = sum((w * x + b - y) ** 2 for x, y in zip(xs, ys)) / N\n    history.append(loss)\nprint(f\"w={w:.3f} b={b:.3f} loss={loss:.5f}\")"),
        code("# Learning-rate decay schedule\ndef schedule(epoch, base=lr, decay=0.5):\n    return base * decay ** (epoch // 10)\nrates = [schedule(e) for e in range(epochs)]\nprint(rates[::10])"),
        code("lr = 0.01\nprint(schedule(0), lr)"),
        code("# Evaluate\npredict = lambda x: w * x + b\nmse = sum((predict(x) - y) ** 2 for x, y in zip(xs, ys)) / N\nprint(round(mse, 6))"),
        code("best = min(range(len(history)), key=lambda i: history[i])\nprint(\"best epoch\", best, round(history[best], 6))"),
        code("random.seed(0)\nsample = random.sample(xs, 3)\nprint([round(s, 3) for s in sample])\nprint(round(math.sqrt(mse), 4))"),
    ],
    "03_text_stats": [
        md("# Word statistics"),
        code("import re\nimport string\nfrom collections import Counter"),
        code("TEXT = \"\"\"Data is the new oil. But data, like oil,\n  is useless unless it is refined!\nRefined data trains models; models need clean data.\n    Is the data clean? Rarely.\"\"\"\nprint(len(TEXT))"),
        code("# Tokenize\nwords = [w.strip(string.punctuation).lower() for w in TEXT.split()]\nwords = [w for w in words if w]\nprint(len(words))"),
        code("stopwords = {\"the\", \"a\", \"and\", \"of\", \"to\", \"in\", \"is\"}\ncounts = Counter(w for w in words if w not in stopwords)\ntop = counts.most_common(5)\nprint(top)"),
        code("class Vocab:\n    def __init__(self, tokens):\n        self.index = {t: i for i, t in enumerate(sorted(set(tokens)))}\n    def __len__(self):\n        return len(self.index)\n    def lookup(self, token):\n        return self.index.get(token, -1)"),
        code("vocab = Vocab(words)\nprint(len(vocab), vocab.lookup(\"data\"))"),
        code("sentences = [s.strip() for s in re.split(r\"[.!?]\", TEXT) if s.strip()]\nlengths = [len(s.split()) for s in sentences]\navg = sum(lengths) / len(lengths)\nprint(f\"{len(sentences)} sentences, avg {avg:.2f} words\")"),
        code("# Normalize counts in place\ncounts[\"data\"] += 100\nfor w in list(counts):\n    if len(w) < 3:\n        del counts[w]\nprint(sorted(counts.items())[:5])"),
        code("longest = max(words, key=len)\nshortest = min(words, key=lambda w: (len(w), w))\nprint(longest, shortest)"),
        code("report = f\"\"\"longest: {longest}\n  shortest: {shortest}\n\"\"\"\nprint(report)"),
    ],
    "04_config_grid": [
        md("# Grid search bookkeeping"),
        code("import json\nimport itertools"),
        code("config = {\"depth\": [2, 4], \"lr\": [0.1, 0.01]}\ncounter = 0"),
        code("def bump():\n    global counter\n    counter += 1\n    return counter"),
        code("grid = [dict(zip(config, values)) for values in itertools.product(*config.values())]\nprint(json.dumps(grid))"),
        code("results = {}\nfor params in grid:\n    score = params[\"depth\"] * params[\"lr\"]\n    results[json.dumps(params, sort_keys=True)] = round(score, 4)\n    bump()\nprint(counter, len(results))"),
        code("tmp = sorted(results.values())\nbest_score = tmp[-1]\ndel tmp\nprint(best_score)"),
        code("def describe(p):\n    return f\"{p} -> {results[p]}\"\nprint(describe(next(iter(results))))"),
        code("threshold = 0.2\nabove = list(filter(lambda s: s > threshold, results.values()))\nprint(len(above))"),
        code("threshold = 0.5\nprint(sum(1 for s in results.values() if s > threshold))"),
        code("try:\n    ratio = best_score / counter\nexcept ZeroDivisionError:\n    ratio = float(\"nan\")\nprint(ratio)"),
        code("del config\nprint(len(grid))"),
    ],
    "05_scores_report": [
        md("# Exam report"),
        code("from statistics import mean, pstdev\nimport math"),
        code("scores = {\"alice\": [88, 92, 79], \"bob\": [75, 80, 85], \"carol\": [95, 91, 89]}"),
        code("def zscores(values, mu=None):\n    mu = mean(values) if mu is None else mu\n    sd = pstdev(values) or 1.0\n    return [round((v - mu) / sd, 3) for v in values]"),
        md("## Rank students"),
        code("averages = {name: mean(vals) for name, vals in scores.items()}\nranked = sorted(averages, key=averages.get, reverse=True)\nranked"),
        code("report = []\nfor name in ranked:\n    report.append(f\"{name}: {averages[name]:.1f} {zscores(scores[name])}\")\nprint(\"\\n\".join(report))"),
        code("scores[\"dave\"] = [60, 70, 65]\naverages[\"dave\"] = mean(scores[\"dave\"])\nlen(scores)"),
        code("curve = 5\nscores = {n: [min(100, v + curve) for v in vals] for n, vals in scores.items()}\nprint(scores[\"dave\"])"),
        code("print(round(math.fsum(averages.values()), 2))"),
        code("x = 10\nx += 1\nx //= 2\nprint(x)"),
        code("if x > 3:\n    label = \"big\"\nprint(label)"),
        code("for name in ranked:\n    last_seen = name\nprint(last_seen)"),
    ],
    "06_pipeline_funcs": [
        md("# Small functional pipeline"),
        code("import functools\nimport operator"),
        code("def compose(*fns):\n    return functools.reduce(lambda f, g: lambda x: g(f(x)), fns)"),
        code("double = lambda v: v * 2\ninc = lambda v: v + 1\npipeline = compose(double, inc)\nprint(pipeline(5))"),
        code("cache = {}\ndef memo(fn):\n    @functools.wraps(fn)\n    def inner(n):\n        if n not in cache:\n            cache[n] = fn(n)\n        return cache[n]\n    return inner"),
        code("@memo\ndef fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\nprint(fib(30), len(cache))"),
        code("total = functools.reduce(operator.add, (fib(i) for i in range(10)))\nprint(total)"),
        code("items = [3, 1, 2]\nitems.sort()\nitems += [4]\nprint(items)"),
        code("def scale(v, factor=items[-1]):\n    return v * factor\nitems.append(99)\nprint(scale(2), items)"),
        code("squares = {n: n * n for n in items if (half := n // 2) > 0}\nprint(squares, half)"),
    ],
    # Imports-only cell whose names one later cell reads: extracting that cell empties it.
    "07_feature_summary": [
        md("# Feature summary"),
        code("import textwrap\nfrom statistics import median"),
        code("import json\nraw = '{\"a\": [1, 4, 9], \"b\": [2, 3]}'\nfeatures = json.loads(raw)\nprint(sorted(features))"),
        md("## Per-feature statistics"),
        code("# Median per feature\nmedians = {k: median(v) for k, v in features.items()}\nprint(textwrap.fill(str(medians), width=12))"),
        code("spread = {k: max(v) - min(v) for k, v in features.items()}\nprint(json.dumps(spread, sort_keys=True))"),
        code("medians", outputs=[{"data": {"text/plain": ["{'a': 4, 'b': 2.5}"]}, "execution_count": 5, "metadata": {}, "output_type": "execute_result"}], count=5),
        md("## Scaled values, computed lazily"),
        # A stored generator reads `factor` when consumed, after the next cell rebinds it.
        code("factor = 10\nscaled = (v * factor for v in features[\"a\"])"),
        code("factor = 100\nprint(list(scaled))"),
    ],
}


def notebook(cells):
    return {
        "cells": [{**c, "source": lines(c["source"])} for c in cells],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python", "version": "3.11.7"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def lines(text):
    parts = text.split("\n")
    return [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


if __name__ == "__main__":
    HERE.mkdir(parents=True, exist_ok=True)
    for name, cells in NOTEBOOKS.items():
        nb = notebook(cells)
        for i, cell in enumerate(nb["cells"]):
            cell["id"] = f"{name[:2]}-{i:02d}"
        (HERE / f"{name}.ipynb").write_text(json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
