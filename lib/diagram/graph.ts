import type { DiagramModel } from "./model";

/** A node of the drawn graph; `group` is the stack it belongs to (undefined: outside AWS). */
export interface GraphNode {
  readonly id: string;
  readonly label: string;
  readonly group?: string;
  readonly shape: "box" | "database" | "person";
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly label?: string;
}

export interface Graph {
  readonly title: string;
  readonly groups: readonly string[];
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

const id = (text: string) => text.replace(/[^A-Za-z0-9]+/g, "_");

/** The environment as nodes grouped by stack, and the edges traffic takes between them. */
export function toGraph(model: DiagramModel): Graph {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const stackOf = (layer: string) =>
    model.stacks.find((s) => s.endsWith(`-${layer}`)) ?? model.stacks[0];
  const node = (n: GraphNode) => {
    nodes.push(n);
    return n.id;
  };

  const network = stackOf("network");
  for (const t of model.tiers) {
    node({
      id: `tier_${id(t.tier)}`,
      label: `${t.tier} subnets x${t.subnets}`,
      group: network,
      shape: "box",
    });
  }
  if (model.natGateways > 0) {
    const nat = node({
      id: "nat",
      label: `NAT gateway x${model.natGateways}`,
      group: network,
      shape: "box",
    });
    if (model.tiers.some((t) => t.tier === "private"))
      edges.push({ from: "tier_private", to: nat });
  }
  if (model.interfaceEndpoints > 0) {
    node({
      id: "endpoints",
      label: `interface endpoints x${model.interfaceEndpoints}`,
      group: network,
      shape: "box",
    });
  }
  if (model.externalLinks > 0) {
    const ext = node({
      id: "external",
      label: `external networks x${model.externalLinks}`,
      shape: "box",
    });
    if (model.tiers.some((t) => t.tier === "private"))
      edges.push({ from: "tier_private", to: ext });
  }

  const services = stackOf("services");
  for (const s of model.services) {
    node({ id: `svc_${id(s.name)}`, label: `${s.name} (Fargate)`, group: services, shape: "box" });
  }
  if (model.loadBalancer !== undefined) {
    const users = node({ id: "users", label: "users", shape: "person" });
    const alb = node({
      id: "alb",
      label: `ALB ${model.loadBalancer.listeners.join(", ")}`,
      group: services,
      shape: "box",
    });
    edges.push({ from: users, to: alb });
    for (const r of model.loadBalancer.routes) {
      edges.push({ from: alb, to: `svc_${id(r.service)}`, label: r.match });
    }
  }

  const data = stackOf("data");
  for (const d of model.databases) {
    node({ id: `db_${id(d.name)}`, label: d.detail, group: data, shape: "database" });
  }
  const primary = model.databases[0];
  for (const s of model.services.filter((x) => x.database && primary !== undefined)) {
    edges.push({ from: `svc_${id(s.name)}`, to: `db_${id(primary.name)}` });
  }

  if (model.dcv !== undefined) {
    const dcv = stackOf("dcv");
    const client = node({ id: "dcv_client", label: "DCV client", shape: "person" });
    const endpoint = node({
      id: "dcv_endpoint",
      label:
        model.dcv.consumerEndpoints > 0
          ? `PrivateLink endpoint x${model.dcv.consumerEndpoints}`
          : "PrivateLink endpoint (consumer VPC)",
      group: model.dcv.consumerEndpoints > 0 ? dcv : undefined,
      shape: "box",
    });
    const nlb = node({ id: "dcv_nlb", label: "NLB (endpoint service)", group: dcv, shape: "box" });
    const gateways = node({
      id: "dcv_gateways",
      label: `gateways ${model.dcv.gateways}`,
      group: dcv,
      shape: "box",
    });
    edges.push(
      { from: client, to: endpoint },
      { from: endpoint, to: nlb },
      { from: nlb, to: gateways },
    );
    model.dcv.agents.forEach((a, i) => {
      const agent = node({ id: `dcv_agent_${i}`, label: a, shape: "box" });
      edges.push({ from: gateways, to: agent });
    });
  }

  // Stacks with nothing drawn still appear, so the graph lists every stack.
  for (const stack of model.stacks) {
    if (!nodes.some((n) => n.group === stack)) {
      node({
        id: `stack_${id(stack)}`,
        label: stack.split("-").pop() ?? stack,
        group: stack,
        shape: "box",
      });
    }
  }
  return { title: `${model.environment} environment`, groups: model.stacks, nodes, edges };
}

const q = (s: string) => s.replace(/"/g, "'");

/** Mermaid flowchart (renders on GitHub and in most Markdown viewers). */
export function toMermaid(graph: Graph): string {
  const out = ["flowchart LR"];
  const shape = (n: GraphNode) =>
    n.shape === "database"
      ? `[("${q(n.label)}")]`
      : n.shape === "person"
        ? `(["${q(n.label)}"])`
        : `["${q(n.label)}"]`;
  for (const n of graph.nodes.filter((x) => x.group === undefined))
    out.push(`  ${n.id}${shape(n)}`);
  for (const g of graph.groups) {
    out.push(`  subgraph ${id(g)}["${g}"]`);
    for (const n of graph.nodes.filter((x) => x.group === g)) out.push(`    ${n.id}${shape(n)}`);
    out.push("  end");
  }
  for (const e of graph.edges) {
    out.push(
      e.label === undefined
        ? `  ${e.from} --> ${e.to}`
        : `  ${e.from} -->|"${q(e.label)}"| ${e.to}`,
    );
  }
  return out.join("\n");
}

/** Graphviz DOT, for `dot -Tsvg` / `-Tpng`. */
export function toDot(graph: Graph): string {
  const esc = (s: string) => s.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
  const shape = (n: GraphNode) =>
    n.shape === "database" ? "cylinder" : n.shape === "person" ? "oval" : "box";
  const line = (n: GraphNode) => `"${n.id}" [label="${esc(n.label)}", shape=${shape(n)}];`;
  const out = [
    "digraph platform {",
    "  rankdir=LR;",
    `  label="${esc(graph.title)}"; labelloc=t; fontname="Helvetica";`,
    '  node [fontname="Helvetica", fontsize=11]; edge [fontname="Helvetica", fontsize=10];',
  ];
  for (const n of graph.nodes.filter((x) => x.group === undefined)) out.push(`  ${line(n)}`);
  for (const g of graph.groups) {
    out.push(`  subgraph "cluster_${id(g)}" {`, `    label="${esc(g)}"; style=rounded;`);
    for (const n of graph.nodes.filter((x) => x.group === g)) out.push(`    ${line(n)}`);
    out.push("  }");
  }
  for (const e of graph.edges) {
    out.push(
      `  "${e.from}" -> "${e.to}"${e.label === undefined ? "" : ` [label="${esc(e.label)}"]`};`,
    );
  }
  out.push("}");
  return out.join("\n");
}
