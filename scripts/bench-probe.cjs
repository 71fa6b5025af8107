// Preloaded by scripts/bench.ts (NODE_OPTIONS) into every Node process of a measured command
// (the launcher and the synth it starts): appends the process's CPU time (microseconds) and
// peak RSS (bytes), which the parent cannot read once the child has exited.
const { appendFileSync } = require("node:fs");

const target = process.env.BENCH_PROBE_FILE;
if (target) {
  process.on("exit", () => {
    const usage = process.resourceUsage();
    appendFileSync(target, `${usage.userCPUTime + usage.systemCPUTime} ${usage.maxRSS * 1024}\n`);
  });
}
