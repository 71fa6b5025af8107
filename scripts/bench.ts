import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/*
 * `npm run bench [-- --runs N]`: CPU time and peak RSS of a full synth (every stack of every
 * environment), each run a fresh process, for both ways of starting it: the cdktf.json app
 * command (`cdktf synth`) and the command `npm run synth` runs (measured without npm's own
 * start-up). The floor is `require("cdktf")` plus one provider resource module, measured in the
 * same rounds, so the ratio holds on a busy machine too. Targets: synth <= 4x the floor, peak
 * RSS < 250 MB. A first, unmeasured run of each command rebuilds the precompiled app if the
 * sources changed (scripts/app.cjs).
 */
const root = resolve(__dirname, "..");
const runsArg = process.argv.indexOf("--runs");
const runs = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 7;
if (!Number.isInteger(runs) || runs < 1)
  throw new Error(`--runs must be a positive whole number, got ${process.argv[runsArg + 1]}`);

const FLOOR_SCRIPT = 'require("cdktf"); require("@cdktf/provider-aws/lib/vpc")';
const MAX_RATIO = 4;
const MAX_RSS_MB = 250;

interface Command {
  readonly label: string;
  readonly shown: string;
  readonly argv: readonly string[];
}

/** A `node ...` command line as argv, with this Node binary. */
function nodeCommand(line: string): string[] {
  const parts = line.split(" ");
  if (parts[0] !== "node") throw new Error(`expected a node command, got: ${line}`);
  return [process.execPath, ...parts.slice(1)];
}

const cdktfApp = (JSON.parse(readFileSync(join(root, "cdktf.json"), "utf8")) as { app: string })
  .app;
const synthScript = (
  JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  }
).scripts.synth;
const scratch = mkdtempSync(join(tmpdir(), "platform-bench-"));

const commands: readonly Command[] = [
  {
    label: "floor",
    shown: `node -e '${FLOOR_SCRIPT}'`,
    argv: [process.execPath, "-e", FLOOR_SCRIPT],
  },
  { label: "cdktf app", shown: `${cdktfApp}  (cdktf.json)`, argv: nodeCommand(cdktfApp) },
  {
    label: "npm run synth",
    shown: `${synthScript}  (package.json)`,
    argv: [...nodeCommand(synthScript), "--out", join(scratch, "synth-out")],
  },
];

interface Sample {
  readonly cpuMs: number;
  readonly rssMb: number;
  readonly wallMs: number;
  readonly processes: number;
}

/** One fresh process; scripts/bench-probe.cjs reports its CPU time and peak RSS at exit. */
function measure(command: Command, run: string): Sample {
  const probeFile = join(scratch, `probe-${run}`);
  const started = process.hrtime.bigint();
  const result = spawnSync(command.argv[0], command.argv.slice(1), {
    cwd: root,
    env: {
      ...process.env,
      CDKTF_OUTDIR: join(scratch, "app-out"),
      BENCH_PROBE_FILE: probeFile,
      NODE_OPTIONS: `--require ${join(root, "scripts", "bench-probe.cjs")}`,
    },
    encoding: "utf8",
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${command.label} failed:\n${result.stderr}`);
  // One line per Node process: CPU adds up, memory peaks per process.
  const lines = readFileSync(probeFile, "utf8").trim().split("\n");
  const usage = lines.map((l) => l.split(" ").map(Number));
  return {
    cpuMs: usage.reduce((sum, [cpuUs]) => sum + cpuUs, 0) / 1000,
    rssMb: Math.max(...usage.map(([, rssBytes]) => rssBytes)) / 2 ** 20,
    processes: usage.length,
    wallMs,
  };
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

try {
  for (const command of commands) measure(command, `warmup-${command.label}`);
  const samples = new Map<string, Sample[]>(commands.map((c) => [c.label, []]));
  // Interleaved rounds: a burst of load elsewhere hits floor and synth alike.
  for (let i = 0; i < runs; i++) {
    for (const command of commands) {
      samples.get(command.label)?.push(measure(command, `${command.label}-${i}`));
    }
  }
  const of = (label: string) => samples.get(label) ?? [];
  const floorCpu = median(of("floor").map((s) => s.cpuMs));
  const f0 = (n: number) => n.toFixed(0);
  console.log(`${runs} fresh processes per command, interleaved; CPU = user + system time`);
  let ok = true;
  for (const command of commands) {
    const s = of(command.label);
    const cpu = median(s.map((x) => x.cpuMs));
    const rss = Math.max(...s.map((x) => x.rssMb));
    console.log(`\n${command.label}: ${command.shown}  (${s[0].processes} node processes)`);
    console.log(
      `  CPU   median ${f0(cpu)} ms   max ${f0(Math.max(...s.map((x) => x.cpuMs)))} ms` +
        (command.label === "floor"
          ? ""
          : `   = ${(cpu / floorCpu).toFixed(2)}x floor (target <= ${MAX_RATIO}x)`),
    );
    console.log(
      `  RSS   median ${f0(median(s.map((x) => x.rssMb)))} MB   max ${f0(rss)} MB` +
        (command.label === "floor" ? "" : `   (target < ${MAX_RSS_MB} MB)`),
    );
    console.log(`  wall  median ${f0(median(s.map((x) => x.wallMs)))} ms`);
    if (command.label !== "floor" && (cpu / floorCpu > MAX_RATIO || rss >= MAX_RSS_MB)) ok = false;
  }
  console.log(ok ? "\nwithin target" : "\nOVER TARGET");
  if (!ok) process.exitCode = 1;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
