import { matrixFromRows, meanAbsShap, shapValues } from '@msc/features';
import { describe, expect, it } from 'vitest';
import { trainBooster } from '../boosting/gbdt.js';
import type { Booster } from '../model/booster.js';
import { predictRaw } from '../model/booster.js';
import { TreeBuilder } from '../model/tree.js';
import { blobProblem, xorProblem } from '../test-support/data.js';
import { gainImportance } from './gain-importance.js';

describe('TreeSHAP', () => {
  it('matches the closed form on a single split', () => {
    const b = new TreeBuilder();
    const root = b.addLeaf(0, 4);
    const left = b.addLeaf(1, 1); // value 1, cover 1
    const right = b.addLeaf(3, 3); // value 3, cover 3
    b.setSplit(root, 0, 0.5, false, 1, left, right);
    const booster: Booster = {
      task: 'regression',
      nFeatures: 2,
      classNames: [],
      nOutputs: 1,
      baseScores: Float32Array.of(0.5),
      trees: [b.build()],
      treeOutput: Int32Array.of(0),
      nRounds: 1,
    };
    const phi = shapValues(
      booster,
      matrixFromRows([
        [0, 9],
        [1, 9],
      ]),
    );
    // bias = 0.5 + (1·1 + 3·3)/4 = 3; x=0 reaches 1 (phi −1.5), x=1 reaches 3 (phi +0.5); feature 1 unused
    expect(Array.from(phi)).toEqual([-1.5, 0, 3, 0.5, 0, 3]);
  });

  it('sums to the margin for every row and class (with missing values and interactions)', () => {
    const train = blobProblem(400, 3, 5, 1, 0.2);
    const { booster } = trainBooster(train, { task: 'classification', params: { n_estimators: 10, max_depth: 4 } });
    const phi = shapValues(booster, train.matrix);
    const raw = predictRaw(booster, train.matrix);
    const width = booster.nFeatures + 1;
    for (let r = 0; r < train.matrix.nRows; r++) {
      for (let j = 0; j < 3; j++) {
        let sum = 0;
        for (let f = 0; f < width; f++) sum += phi[(r * 3 + j) * width + f]!;
        expect(sum).toBeCloseTo(raw[r * 3 + j]!, 4);
      }
    }
  });

  it('credits the features the model uses', () => {
    const train = xorProblem(1000, 1, 3);
    const { booster } = trainBooster(train, { task: 'classification', params: { n_estimators: 20, max_depth: 3 } });
    const shap = meanAbsShap(booster, train.matrix)[1]!;
    const gain = gainImportance(booster)[1]!;
    for (const imp of [shap, gain]) {
      const noise = Math.max(imp[2]!, imp[3]!, imp[4]!);
      expect(imp[0]!).toBeGreaterThan(3 * noise);
      expect(imp[1]!).toBeGreaterThan(3 * noise);
    }
  });
});
