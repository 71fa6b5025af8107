import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { SHARED_SYNTHS_PREFIX, scratchRoot } from "./scratch-root";

/**
 * vitest's global setup, in the run's main process: its teardown removes the synths this
 * run's workers shared (helpers/synth.ts names their directory after this process), so a run
 * leaves nothing behind in scratchRoot.
 */
export default function setup(): () => void {
  return () => {
    const mine = `${SHARED_SYNTHS_PREFIX}${String(process.pid)}-`;
    for (const entry of readdirSync(scratchRoot)) {
      if (entry.startsWith(mine))
        rmSync(join(scratchRoot, entry), { recursive: true, force: true });
    }
  };
}
