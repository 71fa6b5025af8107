import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";

let outdir: string | undefined;

/**
 * An App for tests that build constructs without synthesizing them. `new App()` would create
 * cdktf.out/ in the working directory and `Testing.app()` a temporary directory per call that
 * nothing removes; these share one scratch directory per worker, removed when it exits.
 */
export function scratchApp(): App {
  if (outdir === undefined) {
    const dir = mkdtempSync(join(tmpdir(), "scratch-app-"));
    process.once("exit", () => {
      rmSync(dir, { recursive: true, force: true });
    });
    outdir = dir;
  }
  return new App({ outdir, stackTraces: false });
}
