// Preloaded by scripts/bench.ts into each measured process: reports the process's own peak
// RSS, which the parent cannot read once the child has exited.
const { writeFileSync } = require("node:fs");

const target = process.env.BENCH_RSS_FILE;
if (target) {
  process.on("exit", () => {
    writeFileSync(target, String(process.resourceUsage().maxRSS * 1024));
  });
}
