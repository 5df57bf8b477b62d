"""Writes prediction_fixture.json: a small sales fixture and what statsmodels computes for it.

Run once by hand (the tests only read the JSON):

    python -m venv /tmp/venv && /tmp/venv/bin/pip install statsmodels
    /tmp/venv/bin/python crates/analytics/tests/data/make_prediction_fixture.py

Twelve months of sales (thousands) against the season (quarter 1-4), whether a
promotion ran (0/1) and the competitor's price index; three months to predict.
Fitted with and without an intercept; intervals at 95 % and 90 %.
"""

import json
import pathlib

import numpy as np
import statsmodels
import statsmodels.api as sm

NAMES = ["season", "promotion", "competitor"]
X = [
    [1, 0, 101.2],
    [1, 1, 100.8],
    [1, 0, 99.5],
    [2, 0, 99.1],
    [2, 1, 98.4],
    [2, 0, 97.9],
    [3, 1, 98.6],
    [3, 0, 99.3],
    [3, 0, 100.1],
    [4, 1, 101.7],
    [4, 0, 102.4],
    [4, 1, 103.0],
]
Y = [118.4, 131.9, 121.7, 125.3, 140.2, 131.6, 146.8, 134.1, 130.5, 147.9, 139.8, 156.3]
PREDICT = [[1, 1, 100.5], [2, 0, 97.0], [4, 1, 104.0]]


def floats(values):
    return [float(v) for v in values]


def model(intercept):
    x = np.asarray(X, dtype=float)
    new = np.asarray(PREDICT, dtype=float)
    if intercept:
        x = sm.add_constant(x, has_constant="add")
        new = sm.add_constant(new, has_constant="add")
    fit = sm.OLS(np.asarray(Y, dtype=float), x).fit()
    frames = {}
    for confidence, alpha in [("0.95", 0.05), ("0.9", 0.1)]:
        frame = fit.get_prediction(new).summary_frame(alpha=alpha)
        frames[confidence] = {column: floats(frame[column]) for column in frame.columns}
    return {
        "params": floats(fit.params),
        "bse": floats(fit.bse),
        "tvalues": floats(fit.tvalues),
        "pvalues": floats(fit.pvalues),
        "residual_std_error": float(np.sqrt(fit.scale)),
        "rsquared": float(fit.rsquared),
        "rsquared_adj": float(fit.rsquared_adj),
        "fvalue": float(fit.fvalue),
        "f_pvalue": float(fit.f_pvalue),
        "df_model": float(fit.df_model),
        "df_resid": float(fit.df_resid),
        "summary_frame": frames,
    }


fixture = {
    "about": "Written by make_prediction_fixture.py with statsmodels "
    + statsmodels.__version__
    + " (OLS, get_prediction(...).summary_frame(alpha)); keys of summary_frame are the confidence levels.",
    "names": NAMES,
    "x": X,
    "y": Y,
    "predict": PREDICT,
    "with_intercept": model(True),
    "without_intercept": model(False),
}
out = pathlib.Path(__file__).with_name("prediction_fixture.json")
out.write_text(json.dumps(fixture, indent=2) + "\n")
print(f"wrote {out}")
