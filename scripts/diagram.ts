import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadConfig } from "../config";
import { readSynthesized } from "../lib/cost/report";
import { toDot, toGraph, toMermaid } from "../lib/diagram/graph";
import { diagramModel } from "../lib/diagram/model";
import { environmentOf } from "./cost";

/*
 * `npm run diagram [-- --env dev] [--out docs/diagrams] [--from cdktf.out]`: draws each
 * environment from the last synth's output as Mermaid (<env>.mmd, printed too) and, with
 * Graphviz's `dot` on PATH, as <env>.svg and <env>.png. `--readme` also replaces the Mermaid
 * block of README.md with the first environment's (dev's) diagram.
 */
function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Mermaid, DOT and the drawn graph of each environment under `outdir`. */
export function diagrams(outdir: string) {
  const config = loadConfig();
  const envOf = environmentOf(config);
  const stacks = readSynthesized(outdir);
  const envs = [...new Set(stacks.map((s) => envOf(s.stack)))];
  return envs.map((env) => {
    const model = diagramModel(
      env,
      stacks.filter((s) => envOf(s.stack) === env),
      (s) => s.endsWith("-data"),
    );
    const graph = toGraph(model);
    return { env, model, graph, mermaid: toMermaid(graph), dot: toDot(graph) };
  });
}

export function main(): void {
  const from = resolve(arg("--from") ?? "cdktf.out");
  const out = resolve(arg("--out") ?? join("docs", "diagrams"));
  const only = arg("--env");
  mkdirSync(out, { recursive: true });
  const drawn = diagrams(from).filter((x) => only === undefined || x.env === only);
  if (process.argv.includes("--readme") && drawn.length > 0) {
    const readme = join(__dirname, "..", "README.md");
    const text = readFileSync(readme, "utf8");
    writeFileSync(
      readme,
      text.replace(/```mermaid\n[\s\S]*?```/, () => `\`\`\`mermaid\n${drawn[0].mermaid}\n\`\`\``),
    );
  }
  for (const d of drawn) {
    writeFileSync(join(out, `${d.env}.mmd`), `${d.mermaid}\n`);
    writeFileSync(join(out, `${d.env}.dot`), `${d.dot}\n`);
    console.log(`%% ${d.env}\n${d.mermaid}\n`);
    for (const format of ["svg", "png"]) {
      const file = join(out, `${d.env}.${format}`);
      const dot = spawnSync("dot", [`-T${format}`, "-o", file], { input: d.dot, encoding: "utf8" });
      if (dot.error !== undefined) {
        console.error(`dot not found (apt-get install graphviz): wrote ${d.env}.mmd and .dot only`);
        break;
      }
      if (dot.status !== 0) throw new Error(`dot -T${format} failed: ${dot.stderr}`);
      console.log(`wrote ${file}`);
    }
  }
}

if (require.main === module) main();
