// Macro-F1 over k classes (a class never predicted nor present counts 0, as @msc/train's metrics do).
export function macroF1(pred, truth, k) {
  let sum = 0;
  for (let c = 0; c < k; c++) {
    let tp = 0,
      fp = 0,
      fn = 0;
    for (let i = 0; i < truth.length; i++) {
      if (pred[i] === c && truth[i] === c) tp++;
      else if (pred[i] === c) fp++;
      else if (truth[i] === c) fn++;
    }
    sum += tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  }
  return sum / k;
}
