import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/*
 * `npm run bench [-- --runs N]`: synthesizes every stack of every environment N times, each in
 * a fresh process exactly as `cdktf synth` starts it (the cdktf.json app command), and prints
 * the median and worst wall time and peak RSS. Target once every layer exists: < 2 s, < 400 MB.
 */
const root = resolve(__dirname, "..");
const runsArg = process.argv.indexOf("--runs");
const runs = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 7;
if (!Number.isInteger(runs) || runs < 1)
  throw new Error(`--runs must be a positive whole number, got ${process.argv[runsArg + 1]}`);

const app = (
  JSON.parse(readFileSync(join(root, "cdktf.json"), "utf8")) as { app: string }
).app.split(" ");
const [command, ...args] = app[0] === "node" ? [process.execPath, ...app.slice(1)] : app;
const scratch = mkdtempSync(join(tmpdir(), "platform-bench-"));

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

try {
  const wall: number[] = [];
  const rss: number[] = [];
  let stacks = 0;
  for (let i = 0; i < runs; i++) {
    const outdir = join(scratch, `out-${i}`);
    const rssFile = join(scratch, `rss-${i}`);
    const started = process.hrtime.bigint();
    const result = spawnSync(
      command,
      ["--require", join(root, "scripts", "rss-probe.cjs"), ...args],
      {
        cwd: root,
        env: { ...process.env, CDKTF_OUTDIR: outdir, BENCH_RSS_FILE: rssFile },
        encoding: "utf8",
      },
    );
    wall.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (result.status !== 0) throw new Error(`synth run ${i + 1} failed:\n${result.stderr}`);
    rss.push(Number(readFileSync(rssFile, "utf8")) / 2 ** 20);
    stacks = readdirSync(join(outdir, "stacks")).length;
  }
  const fmt = (n: number) => n.toFixed(0);
  console.log(`app command: ${app.join(" ")}  (${stacks} stacks, ${runs} fresh processes)`);
  console.log(
    `wall time  median ${fmt(median(wall))} ms   max ${fmt(Math.max(...wall))} ms   (target < 2000 ms)`,
  );
  console.log(
    `peak RSS   median ${fmt(median(rss))} MB   max ${fmt(Math.max(...rss))} MB   (target < 400 MB)`,
  );
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
