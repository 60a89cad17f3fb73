"""Fit a bag-of-words sentiment model on the labelled reviews."""
import sys

import numpy as np
from sklearn.linear_model import LogisticRegression


def main() -> None:
    data = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1)
    model = LogisticRegression().fit(data[:, 1:], data[:, 0])
    print(model.score(data[:, 1:], data[:, 0]))


if __name__ == "__main__":
    main()
