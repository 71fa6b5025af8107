import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";

/*
 * `npm run bench:tests [-- --runs N]`: wall-clock and CPU time of the test suite without
 * typecheck and lint (`vitest run`, what `npm test` runs last), N runs one after the other.
 * CPU is user + system time of every process the run waited for (vitest, its workers, the
 * fresh processes tests start, nginx, openssl). The load average is printed with each run:
 * on a shared machine wall time says little without it, CPU time holds up better.
 * Target: < 30 s wall on an idle 2-core machine.
 */
const root = resolve(__dirname, "..");
const runsArg = process.argv.indexOf("--runs");
const runs = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 1;
if (!Number.isInteger(runs) || runs < 1)
  throw new Error(`--runs must be a positive whole number, got ${process.argv[runsArg + 1]}`);
const TARGET_WALL_S = 30;

interface Report {
  readonly numTotalTests: number;
  readonly numFailedTests: number;
  readonly testResults: readonly unknown[];
}

const scratch = mkdtempSync(join(tmpdir(), "platform-bench-tests-"));
const vitest = join(root, "node_modules", "vitest", "vitest.mjs");
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
try {
  console.log(`${availableParallelism()} CPUs; load average (1, 5, 15 min) before each run`);
  const walls: number[] = [];
  let ok = true;
  for (let i = 0; i < runs; i++) {
    const report = join(scratch, `run-${i}.json`);
    const before = load();
    // bash's `time` adds up every descendant it waited for, which Node cannot read itself.
    const timed = spawnSync(
      "bash",
      [
        "-c",
        'TIMEFORMAT="%R %U %S"; time "$@" >/dev/null 2>&1',
        "bash",
        process.execPath,
        vitest,
        "run",
        "--reporter=json",
        `--outputFile=${report}`,
      ],
      { cwd: root, encoding: "utf8" },
    );
    const [wall, user, system] =
      timed.stderr.trim().split("\n").at(-1)?.split(" ").map(Number) ?? [];
    const result = JSON.parse(readFileSync(report, "utf8")) as Report;
    walls.push(wall);
    if (timed.status !== 0 || result.numFailedTests > 0) ok = false;
    console.log(
      `run ${i + 1}: ${wall.toFixed(1)} s wall, ${(user + system).toFixed(1)} s CPU; ` +
        `${result.numTotalTests} tests in ${result.testResults.length} files, ` +
        `${result.numFailedTests} failed; load before ${before}`,
    );
  }
  const best = Math.min(...walls);
  console.log(
    `best ${best.toFixed(1)} s wall (target < ${TARGET_WALL_S} s on an idle 2-core machine)`,
  );
  if (!ok) {
    console.log("FAILED: the suite did not pass");
    process.exitCode = 1;
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
