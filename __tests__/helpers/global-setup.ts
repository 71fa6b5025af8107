import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { RUN_SCRATCH_PREFIX, scratchRoot } from "./scratch-root";

declare module "vitest" {
  export interface ProvidedContext {
    /** This run's scratch directory (`inject("runScratch")`), removed when the run ends. */
    runScratch: string;
    /** Whether workers share synths in runScratch (helpers/synth.ts): not in watch mode. */
    shareSynths: boolean;
  }
}

/** Whether process `pid` is still running. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * vitest's global setup, in the run's main process: one scratch directory for the run, handed
 * to the workers (shared synths, scratch apps) and removed by the teardown, so a run leaves
 * nothing behind. A directory whose run is gone (killed before its teardown) is removed here.
 */
export default function setup(project: TestProject): () => void {
  for (const entry of readdirSync(scratchRoot)) {
    const pid = Number(/^(\d+)-/.exec(entry.slice(RUN_SCRATCH_PREFIX.length))?.[1]);
    if (entry.startsWith(RUN_SCRATCH_PREFIX) && Number.isInteger(pid) && !alive(pid))
      rmSync(join(scratchRoot, entry), { recursive: true, force: true });
  }
  const dir = mkdtempSync(join(scratchRoot, `${RUN_SCRATCH_PREFIX}${String(process.pid)}-`));
  project.provide("runScratch", dir);
  // In watch mode the sources change between reruns in the same workers.
  project.provide("shareSynths", !project.config.watch);
  return () => {
    rmSync(dir, { recursive: true, force: true });
  };
}
