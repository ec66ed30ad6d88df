import type { Booster } from '../model/booster.js';

/** Total split gain per output and feature [nOutputs × nFeatures]. */
export function gainImportance(booster: Booster): Float64Array[] {
  const out = Array.from({ length: booster.nOutputs }, () => new Float64Array(booster.nFeatures));
  booster.trees.forEach((tree, t) => {
    const target = out[booster.treeOutput[t]!]!;
    for (let i = 0; i < tree.feature.length; i++) if (tree.feature[i]! >= 0) target[tree.feature[i]!]! += tree.gain[i]!;
  });
  return out;
}
