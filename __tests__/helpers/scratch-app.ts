import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { App } from "cdktf";
import { SCRATCH_APP_PREFIX, scratchRoot } from "./scratch-root";

let outdir: string | undefined;

/**
 * An App for tests that build constructs without synthesizing them. `new App()` would create
 * cdktf.out/ in the working directory and `Testing.app()` a temporary directory per call that
 * nothing removes; these share one scratch directory per worker, named after the run's vitest
 * process, which removes it when the run ends (helpers/global-setup.ts: vitest stops its
 * workers with a signal, so a worker's own exit handler would not run).
 */
export function scratchApp(): App {
  outdir ??= mkdtempSync(join(scratchRoot, `${SCRATCH_APP_PREFIX}${String(process.ppid)}-`));
  return new App({ outdir, stackTraces: false });
}
