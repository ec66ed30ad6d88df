"""XGBoost `hist` reference for bench/train: same matrix, same tree parameters, 2 threads.
Usage: xgb.py train.csv test.csv pred_out.txt rounds depth eta classes
CSV: label first, then features; empty cell = missing. Prints the training seconds as JSON."""
import json, sys, time
import numpy as np
import xgboost as xgb

train_csv, test_csv, out, rounds, depth, eta, classes = sys.argv[1:8]

def load(path):
    data = np.genfromtxt(path, delimiter=",", dtype=np.float32, missing_values="", filling_values=np.nan)
    return data[:, 1:], data[:, 0]

xtr, ytr = load(train_csv)
xte, _ = load(test_csv)
dtrain = xgb.DMatrix(xtr, label=ytr, missing=np.nan)
dtest = xgb.DMatrix(xte, missing=np.nan)
params = {
    "objective": "multi:softprob", "num_class": int(classes), "tree_method": "hist",
    "max_depth": int(depth), "eta": float(eta), "nthread": 2, "max_bin": 255,
    "lambda": 1.0, "min_child_weight": 1.0, "gamma": 0.0, "seed": 1, "verbosity": 0,
}
t0 = time.perf_counter()
booster = xgb.train(params, dtrain, num_boost_round=int(rounds))
seconds = time.perf_counter() - t0
pred = booster.predict(dtest).argmax(axis=1)
np.savetxt(out, pred, fmt="%d")
print(json.dumps({"train_seconds": seconds}))
