import type { Task } from '../params.js';
import { L2Objective } from './l2.js';
import type { Objective } from './objective.js';
import { SoftmaxObjective } from './softmax.js';

export type { Objective } from './objective.js';
export { softmaxInto } from './objective.js';

/** The objective for a task (LightGBM's CreateObjectiveFunction factory). */
export function createObjective(task: Task, nClasses: number): Objective {
  return task === 'regression' ? new L2Objective() : new SoftmaxObjective(nClasses);
}
