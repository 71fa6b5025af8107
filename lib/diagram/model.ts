/*
 * What a diagram of one environment shows, read from its synthesized stacks alone: stacks,
 * VPC tiers, the ALB's routes to services, databases and the DCV path. Anything a module adds
 * appears as soon as it is synthesized; nothing here is drawn by hand.
 */

type Body = Record<string, unknown>;

/** A synthesized stack as the diagram reads it. */
export interface DiagramStack {
  readonly stack: string;
  readonly json: { readonly resource?: Record<string, Record<string, Body>> };
}

export interface Route {
  /** Path patterns and host headers of the rule, or "default" for the listener's default. */
  readonly match: string;
  readonly service: string;
}

export interface DiagramModel {
  readonly environment: string;
  readonly stacks: readonly string[];
  /** Subnets per tier (the subnets' Tier tag). */
  readonly tiers: readonly { readonly tier: string; readonly subnets: number }[];
  readonly natGateways: number;
  readonly interfaceEndpoints: number;
  /** Transit gateway attachments and peering connections. */
  readonly externalLinks: number;
  readonly loadBalancer?: {
    readonly internal: boolean;
    readonly listeners: readonly string[];
    readonly routes: readonly Route[];
  };
  readonly services: readonly { readonly name: string; readonly database: boolean }[];
  readonly databases: readonly { readonly name: string; readonly detail: string }[];
  readonly dcv?: {
    /** Consumer endpoints synthesized here (others live in consumers' VPCs). */
    readonly consumerEndpoints: number;
    readonly gateways: string;
    readonly agents: readonly string[];
  };
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
const asBody = (v: unknown): Body => (v !== null && typeof v === "object" ? (v as Body) : {});
const ref = (value: unknown, type: string): string | undefined =>
  new RegExp(`\\$\\{${type}\\.([^.}]+)\\.`).exec(str(value) ?? "")?.[1];
/** A literal attribute, never an unresolved expression. */
const literal = (v: unknown): string | undefined => {
  const s = str(v);
  return s !== undefined && !s.includes("${") ? s : undefined;
};

export function diagramModel(
  environment: string,
  stacks: readonly DiagramStack[],
  dataStackOf: (stack: string) => boolean = (s) => s.endsWith("-data"),
): DiagramModel {
  const all = (type: string): [string, Body, string][] =>
    stacks.flatMap((s) =>
      Object.entries(s.json.resource?.[type] ?? {}).map(([n, b]): [string, Body, string] => [
        n,
        b,
        s.stack,
      ]),
    );
  const count = (type: string) => all(type).length;

  const tiers = new Map<string, number>();
  for (const [, subnet] of all("aws_subnet")) {
    const tier = literal(asBody(subnet.tags).Tier) ?? "untiered";
    tiers.set(tier, (tiers.get(tier) ?? 0) + 1);
  }

  // Services by the target groups their load_balancer blocks name.
  const services: { name: string; database: boolean }[] = [];
  const serviceOfTargetGroup = new Map<string, string>();
  const dataStacks = stacks.map((s) => s.stack).filter(dataStackOf);
  for (const [name, svc, stack] of all("aws_ecs_service")) {
    const lb = arr(svc.load_balancer).map(asBody);
    const label = literal(lb[0]?.container_name) ?? literal(svc.name) ?? name;
    const task = stacks.find((s) => s.stack === stack)?.json.resource?.aws_ecs_task_definition?.[
      ref(svc.task_definition, "aws_ecs_task_definition") ?? ""
    ];
    const text = JSON.stringify(task ?? {});
    services.push({ name: label, database: dataStacks.some((d) => text.includes(d)) });
    for (const b of lb) {
      const tg = ref(b.target_group_arn, "aws_lb_target_group");
      if (tg !== undefined) serviceOfTargetGroup.set(tg, label);
    }
  }
  const forwardTo = (actions: unknown): string | undefined => {
    for (const a of arr(actions).map(asBody)) {
      // A plain forward, or a weighted one (blue/green) whose groups serve the same service.
      const arns = [
        a.target_group_arn,
        ...arr(asBody(a.forward).target_group).map((t) => asBody(t).arn),
      ];
      for (const arn of arns) {
        const tg = ref(arn, "aws_lb_target_group");
        const service = tg === undefined ? undefined : serviceOfTargetGroup.get(tg);
        if (service !== undefined) return service;
      }
    }
    return undefined;
  };

  const albs = all("aws_lb").filter(
    ([, b]) => (str(b.load_balancer_type) ?? "application") === "application",
  );
  let loadBalancer: DiagramModel["loadBalancer"];
  if (albs.length > 0) {
    const albNames = new Set(albs.map(([n]) => n));
    const listeners = all("aws_lb_listener").filter(([, l]) =>
      albNames.has(ref(l.load_balancer_arn, "aws_lb") ?? ""),
    );
    const listenerNames = new Set(listeners.map(([n]) => n));
    const routes: Route[] = [];
    const rules = all("aws_lb_listener_rule")
      .filter(([, r]) => listenerNames.has(ref(r.listener_arn, "aws_lb_listener") ?? ""))
      .sort(([, a], [, b]) => Number(a.priority ?? 0) - Number(b.priority ?? 0));
    for (const [, rule] of rules) {
      const service = forwardTo(rule.action);
      if (service === undefined) continue;
      const match = arr(rule.condition)
        .map(asBody)
        .flatMap((c) => [
          ...arr(asBody(c.host_header).values).map(String),
          ...arr(asBody(c.path_pattern).values).map(String),
        ])
        .join(" ");
      routes.push({ match, service });
    }
    for (const [, listener] of listeners) {
      const service = forwardTo(listener.default_action);
      if (service !== undefined && !routes.some((r) => r.match === "default")) {
        routes.push({ match: "default", service });
      }
    }
    loadBalancer = {
      internal: albs.every(([, b]) => b.internal === true),
      listeners: listeners.map(([, l]) => `${str(l.protocol) ?? "HTTP"} ${String(l.port)}`).sort(),
      routes: merge(routes),
    };
  }

  const databases = [
    ...all("aws_db_instance").map(([n, d]) => ({
      name: n,
      detail:
        `RDS ${literal(d.engine) ?? "?"} ${literal(d.instance_class) ?? ""}${d.multi_az === true ? " Multi-AZ" : ""}`.trim(),
    })),
    ...all("aws_rds_cluster").map(([n, c]) => {
      const instances = all("aws_rds_cluster_instance").filter(
        ([, i]) => ref(i.cluster_identifier, "aws_rds_cluster") === n,
      );
      const cls = literal(instances[0]?.[1].instance_class) ?? "";
      return {
        name: n,
        detail: `Aurora ${literal(c.engine) ?? "?"} ${instances.length} x ${cls}`.trim(),
      };
    }),
    ...all("aws_elasticache_replication_group").map(([n, r]) => ({
      name: n,
      detail: `ElastiCache ${literal(r.node_type) ?? ""}`.trim(),
    })),
  ];

  let dcv: DiagramModel["dcv"];
  const endpointServices = all("aws_vpc_endpoint_service");
  if (endpointServices.length > 0) {
    const consumers = all("aws_vpc_endpoint").filter(
      ([, e]) => ref(e.service_name, "aws_vpc_endpoint_service") !== undefined,
    );
    const groups = all("aws_autoscaling_group").map(([, g, stack]) => {
      const template = stacks.find((s) => s.stack === stack)?.json.resource?.aws_launch_template?.[
        ref(asBody(arr(g.launch_template)[0]).id, "aws_launch_template") ?? ""
      ];
      const size = JSON.stringify(g.desired_capacity ?? g.min_size ?? "?");
      return `${size} x ${literal(template?.instance_type) ?? "EC2"}`;
    });
    const agents = [
      ...all("aws_instance").map(([n, i]) => literal(asBody(i.tags).Name) ?? n),
      // Agents outside Terraform appear as the gateways' egress rules to them.
      ...all("aws_vpc_security_group_egress_rule").flatMap(([, r]) => {
        const m = /^DCV to agent (.+)$/.exec(literal(r.description) ?? "");
        return m ? [`${m[1]} (${literal(r.cidr_ipv4) ?? "?"})`] : [];
      }),
    ];
    dcv = { consumerEndpoints: consumers.length, gateways: groups.join(", "), agents };
  }

  return {
    environment,
    stacks: stacks.map((s) => s.stack).sort(),
    tiers: [...tiers].map(([tier, subnets]) => ({ tier, subnets })),
    natGateways: count("aws_nat_gateway"),
    interfaceEndpoints: all("aws_vpc_endpoint").filter(
      ([, e]) =>
        str(e.vpc_endpoint_type) === "Interface" &&
        ref(e.service_name, "aws_vpc_endpoint_service") === undefined,
    ).length,
    externalLinks:
      count("aws_ec2_transit_gateway_vpc_attachment") + count("aws_vpc_peering_connection"),
    loadBalancer,
    services,
    databases,
    dcv,
  };
}

/** One route per service, its matches joined, in rule order. */
function merge(routes: readonly Route[]): Route[] {
  const byService = new Map<string, string[]>();
  for (const r of routes) byService.set(r.service, [...(byService.get(r.service) ?? []), r.match]);
  return [...byService].map(([service, matches]) => ({
    service,
    match: [...new Set(matches)].join(" "),
  }));
}
