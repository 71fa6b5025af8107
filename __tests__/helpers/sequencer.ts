import { statSync } from "node:fs";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * Test files in order of size, largest first, on every run: the order vitest gives a run
 * that has no timings yet (a clean clone, CI). With timings it starts the longest files first,
 * and those are the ones that start many processes (entry points, the cdktf CLI, nginx,
 * new-env): started together they compete for the two cores and cost more CPU between them.
 * Mixed with in-process files in size order, the same suite used ~5 s less CPU and ran ~3 s
 * faster (three alternating pairs of runs on the 2-core machine).
 */
export default class SizeSequencer extends BaseSequencer {
  override sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const size = (f: TestSpecification) => statSync(f.moduleId).size;
    return Promise.resolve([...files].sort((a, b) => size(b) - size(a)));
  }
}
