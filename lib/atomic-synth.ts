import { mkdtempSync, renameSync, rmSync } from "node:fs";
import { resolve } from "node:path";

/**
 * Runs `synth` against a scratch directory next to `outdir` and swaps it into place only when
 * it succeeded, so a failure (a config error, a policy violation cdktf reports after writing
 * some stacks) leaves the previous output exactly as it was.
 */
export function synthAtomically<T>(outdir: string, synth: (scratch: string) => T): T {
  const target = resolve(outdir);
  const scratch = mkdtempSync(`${target}.tmp-`);
  let result: T;
  try {
    result = synth(scratch);
  } catch (error) {
    rmSync(scratch, { recursive: true, force: true });
    throw error;
  }
  rmSync(target, { recursive: true, force: true });
  renameSync(scratch, target);
  return result;
}
