import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { SCRATCH_APP_PREFIX, SHARED_SYNTHS_PREFIX, scratchRoot } from "./scratch-root";

/**
 * vitest's global setup, in the run's main process: its teardown removes the synths this
 * run's workers shared (helpers/synth.ts) and the directories their scratch apps used
 * (helpers/scratch-app.ts), both named after this process, so a run leaves nothing behind in
 * scratchRoot.
 */
export default function setup(): () => void {
  return () => {
    const mine = [SHARED_SYNTHS_PREFIX, SCRATCH_APP_PREFIX].map(
      (p) => `${p}${String(process.pid)}-`,
    );
    for (const entry of readdirSync(scratchRoot)) {
      if (mine.some((m) => entry.startsWith(m)))
        rmSync(join(scratchRoot, entry), { recursive: true, force: true });
    }
  };
}
