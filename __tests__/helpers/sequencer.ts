import { statSync } from "node:fs";
import { relative } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * Test files in order of size, largest first, on every run: the order vitest gives a run
 * that has no timings yet (a clean clone, CI). With timings it starts the longest files first,
 * and those are the ones that start many processes (entry points, the cdktf CLI, nginx,
 * new-env): started together they compete for the two cores and cost more CPU between them.
 * Mixed with in-process files in size order, the same suite used ~5 s less CPU and ran ~3 s
 * faster (three alternating pairs of runs on the 2-core machine). As with vitest's own order,
 * files that failed last time run first. (With a sequencer configured, `--sequence.shuffle`
 * shuffles the tests within each file, not the files.)
 */
export default class SizeSequencer extends BaseSequencer {
  override sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const failed = (f: TestSpecification) =>
      this.ctx.cache.getFileTestResults(
        `${f.project.name}:${relative(this.ctx.config.root, f.moduleId)}`,
      )?.failed === true;
    const size = (f: TestSpecification) => statSync(f.moduleId).size;
    return Promise.resolve(
      [...files].sort((a, b) => Number(failed(b)) - Number(failed(a)) || size(b) - size(a)),
    );
  }
}
