import { expectedEpochSeconds } from "@tsa/models/config";
import { isArchiveData } from "@tsa/data";
import type { RunPlan } from "../experiment/index.js";
import { problemFiles, problemFolder, summarizeArchiveProblem } from "../experiment/archive.js";

/** The values a run's data holds: series × steps (× channels for an archive problem, from its summary). */
function dataPoints(data: RunPlan["data"]): number {
  if (!isArchiveData(data)) return data.size * data.numPoints;
  const files = problemFiles(problemFolder(data), data.problem);
  if (files === null) return 0;
  const problem = summarizeArchiveProblem(data.problem, files);
  const cases = problem.trainClasses.reduce((a, b) => a + b, 0) + problem.testCases;
  return cases * problem.length * problem.channels;
}

/** A run's expected cost, in arbitrary units: its data's points × the epochs it may train × its model's epoch time. */
export function expectedCost(plan: RunPlan): number {
  return dataPoints(plan.data) * plan.train.epochs * expectedEpochSeconds(plan.spec);
}

/**
 * The runs in the order to start them: longest expected first, grid order among equals. With several
 * workers, a long run started last keeps one worker busy while the others sit idle; cheap runs last fill
 * the gaps instead (longest-processing-time-first scheduling).
 */
export function longestFirst(plans: readonly RunPlan[]): RunPlan[] {
  return plans
    .map((plan, index) => ({ plan, index, cost: expectedCost(plan) }))
    .sort((a, b) => b.cost - a.cost || a.index - b.index)
    .map(({ plan }) => plan);
}
