import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config";
import { toDot, toGraph, toMermaid, type Graph } from "../lib/diagram/graph";
import { diagramModel, type DiagramStack } from "../lib/diagram/model";
import { commandWords, packageScripts } from "./helpers/package";
import { synthShipped } from "./helpers/synth";

const root = join(__dirname, "..");
const config = loadConfig();
const stacks: DiagramStack[] = Object.entries(synthShipped().stacks).map(([stack, json]) => ({
  stack,
  json: json,
}));
const graphOf = (env: string): Graph =>
  toGraph(
    diagramModel(
      env,
      stacks.filter((s) => s.stack.startsWith(`platform-${env}-`)),
    ),
  );
const scratch = mkdtempSync(join(tmpdir(), "diagram-"));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe.each(Object.keys(config.environments))("diagram of %s", (env) => {
  const e = config.environments[env];
  const graph = graphOf(env);
  const edge = (from: string, to: string) =>
    graph.edges.find((x) => x.from === from && x.to === to);
  const label = (id: string) => graph.nodes.find((n) => n.id === id)?.label;

  it("groups nodes by every stack of the environment", () => {
    expect(graph.groups).toEqual(
      stacks
        .map((s) => s.stack)
        .filter((s) => s.startsWith(`platform-${env}-`))
        .sort(),
    );
    for (const g of graph.groups) expect(graph.nodes.some((n) => n.group === g)).toBe(true);
  });

  it("shows the VPC tiers with one subnet per AZ", () => {
    for (const tier of ["public", "private", "isolated"]) {
      expect(label(`tier_${tier}`)).toBe(`${tier} subnets x${e.network.azCount}`);
    }
  });

  it("routes users through the ALB to every service the configuration routes, and the database users to it", () => {
    expect(edge("users", "alb")).toBeDefined();
    const services = e.services?.services ?? [];
    for (const route of e.services?.routes ?? []) {
      const to = edge("alb", `svc_${route.service}`);
      expect(to).toBeDefined();
      for (const path of route.paths ?? []) {
        // A catch-all may be the listener's default action instead of a rule.
        if (to?.label !== "default") expect((to?.label ?? "").split(" ")).toContain(path);
      }
    }
    // The relational database; a cache is drawn as a database shape too.
    const db = graph.nodes.filter((n) => n.shape === "database" && /^(RDS|Aurora) /.test(n.label));
    expect(db).toHaveLength(1);
    for (const s of services) {
      expect([s.name, edge(`svc_${s.name}`, db[0].id) !== undefined]).toEqual([s.name, s.database]);
    }
  });

  it("draws the DCV path client -> endpoint -> NLB -> gateways -> each agent", () => {
    expect(edge("dcv_client", "dcv_endpoint")).toBeDefined();
    expect(edge("dcv_endpoint", "dcv_nlb")).toBeDefined();
    expect(edge("dcv_nlb", "dcv_gateways")).toBeDefined();
    const agents = graph.edges.filter((x) => x.from === "dcv_gateways").map((x) => label(x.to));
    expect(agents).toHaveLength(e.dcv?.agents.length ?? 0);
    for (const a of e.dcv?.agents ?? []) {
      expect(agents.some((l) => l?.includes(a.name))).toBe(true);
    }
  });

  it("writes Mermaid whose every edge names declared nodes", () => {
    const mermaid = toMermaid(graph);
    expect(mermaid.split("\n")[0]).toBe("flowchart LR");
    const declared = new Set([...mermaid.matchAll(/^\s+(\w+)[[(]/gm)].map((m) => m[1]));
    const used = [...mermaid.matchAll(/^\s+(\w+) -->(?:\|"[^"]*"\|)? (\w+)$/gm)].flatMap((m) => [
      m[1],
      m[2],
    ]);
    expect(used.length).toBe(graph.edges.length * 2);
    expect(used.filter((n) => !declared.has(n))).toEqual([]);
  });

  it("renders with Graphviz into an SVG with a cluster per stack", () => {
    const dot = spawnSync("dot", ["-Tsvg"], { input: toDot(graph), encoding: "utf8" });
    expect(dot.stderr).toBe("");
    expect(dot.status).toBe(0);
    expect(dot.stdout).toContain("<svg");
    expect(dot.stdout.match(/class="cluster"/g)).toHaveLength(graph.groups.length);
  });

  // An environment added since the last `npm run docs` has no drawing yet; one that has must
  // be current.
  const committed = join(root, "docs", "diagrams", `${env}.mmd`);
  it("is current in docs/diagrams, or not drawn yet (regenerate with npm run docs)", () => {
    const drawn = existsSync(committed) ? readFileSync(committed, "utf8") : "(not drawn yet)";
    expect(["(not drawn yet)", `${toMermaid(graph)}\n`]).toContain(drawn);
  });
});

describe("docs/diagrams", () => {
  it("draws only configured environments", () => {
    const drawn = readdirSync(join(root, "docs", "diagrams"))
      .filter((f) => f.endsWith(".mmd"))
      .map((f) => f.replace(/\.mmd$/, ""));
    expect(drawn.length).toBeGreaterThan(0);
    for (const env of drawn) expect(Object.keys(config.environments), env).toContain(env);
  });
});

describe("npm run diagram", () => {
  it("writes Mermaid, DOT, SVG and PNG for each environment from a synth's output", () => {
    // A synth's output: the stacks of this file's synth (the shipped configuration), laid out
    // as cdktf writes them. The synth is not what this test is about; the command is.
    const from = join(scratch, "synth");
    for (const { stack, json } of stacks) {
      mkdirSync(join(from, "stacks", stack), { recursive: true });
      writeFileSync(join(from, "stacks", stack, "cdk.tf.json"), JSON.stringify(json, null, 2));
    }
    // The command as npm runs it: the precompiled app (scripts/app.cjs).
    const [node, ...command] = commandWords(packageScripts.diagram);
    expect(node).toBe("node");
    const out = join(scratch, "out");
    const drawn = spawnSync(process.execPath, [...command, "--from", from, "--out", out], {
      cwd: root,
      encoding: "utf8",
    });
    expect(drawn.stderr).toBe("");
    expect(drawn.status).toBe(0);
    expect(readdirSync(out).sort()).toEqual(
      Object.keys(config.environments)
        .sort()
        .flatMap((env) => ["dot", "mmd", "png", "svg"].map((x) => `${env}.${x}`)),
    );
    expect(readFileSync(join(out, "dev.png")).subarray(1, 4).toString()).toBe("PNG");
  });
});
