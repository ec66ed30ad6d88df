"""XGBoost `hist` on msc-train's own feature matrix and folds (written by bench/train/cv.mjs).
Usage: xgb-cv.py DIR rounds depth eta classes threads
DIR holds matrix.f32 (rows × cols float32, NaN = missing), labels.i32, folds.i32, shape.json.
Per fold: DMatrix of the other folds' rows, train, predict the fold's rows (the fit + predict loop
that msc's crossValidate times). Writes the out-of-fold classes to xgb-pred.i32; prints JSON: seconds, cpu seconds."""
import json, os, sys, time
import numpy as np
import xgboost as xgb

d, rounds, depth, eta, classes, threads = sys.argv[1:7]
shape = json.load(open(os.path.join(d, "shape.json")))
x = np.fromfile(os.path.join(d, "matrix.f32"), dtype=np.float32).reshape(shape["rows"], shape["cols"])
y = np.fromfile(os.path.join(d, "labels.i32"), dtype=np.int32)
folds = np.fromfile(os.path.join(d, "folds.i32"), dtype=np.int32)
k = int(classes)
params = {
    "objective": "multi:softprob", "num_class": k, "tree_method": "hist",
    "max_depth": int(depth), "eta": float(eta), "nthread": int(threads), "max_bin": 255,
    "lambda": 1.0, "min_child_weight": 1.0, "gamma": 0.0, "seed": 1, "verbosity": 0,
}
pred = np.full(len(y), -1, dtype=np.int64)
t0, c0 = time.perf_counter(), time.process_time()
for f in range(shape["folds"]):
    tr, va = folds != f, folds == f
    if not va.any() or not tr.any():
        continue
    booster = xgb.train(params, xgb.DMatrix(x[tr], label=y[tr], missing=np.nan), num_boost_round=int(rounds))
    pred[va] = booster.predict(xgb.DMatrix(x[va], missing=np.nan)).argmax(axis=1)
seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
pred.astype(np.int32).tofile(os.path.join(d, "xgb-pred.i32"))
print(json.dumps({"seconds": seconds, "cpu_seconds": cpu}))
