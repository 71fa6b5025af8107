import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { App } from "cdktf";
import { inject } from "vitest";

let outdir: string | undefined;

/**
 * An App for tests that build constructs without synthesizing them. `new App()` would create
 * cdktf.out/ in the working directory and `Testing.app()` a temporary directory per call that
 * nothing removes; these share one directory per worker in the run's scratch directory, which
 * the run removes when it ends (helpers/global-setup.ts).
 */
export function scratchApp(): App {
  outdir ??= mkdtempSync(join(inject("runScratch"), "app-"));
  return new App({ outdir, stackTraces: false });
}
