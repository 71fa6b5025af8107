import type { LogRetentionDays } from "../lib/log-retention";
import type { RoutingPlan } from "../modules/alb/routing";
import type { AgentPlacement } from "../modules/dcv/placement";
import type { SubnetPlan } from "../modules/network/subnet-plan";
import type { ParsedEnvironment, ParsedPlatform } from "./schema";

/*
 * Defaults that depend on other settings of the environment, resolved once after validation:
 * the stacks and constructs receive the result and never fall back on their own.
 */

/**
 * Every log group's retention: its layer's override, else the environment's `logRetentionDays`.
 * The only place a retention is chosen.
 */
function withLogRetention(env: ParsedEnvironment) {
  const keep = (override: LogRetentionDays | undefined): LogRetentionDays =>
    override ?? env.logRetentionDays;
  const { network, database, services, edge, operations } = env;
  return {
    network: {
      ...network,
      flowLogs: { ...network.flowLogs, retentionDays: keep(network.flowLogs.retentionDays) },
    },
    database: database && {
      ...database,
      logs: { ...database.logs, retentionDays: keep(database.logs.retentionDays) },
    },
    services: services && {
      ...services,
      cluster: {
        ...services.cluster,
        execLogRetentionDays: keep(services.cluster.execLogRetentionDays),
      },
      services: services.services.map((s) => ({
        ...s,
        logRetentionDays: keep(s.logRetentionDays),
      })),
    },
    edge: edge && { ...edge, logRetentionDays: keep(edge.logRetentionDays) },
    operations: { ...operations, logRetentionDays: keep(operations.logRetentionDays) },
  };
}

/** The environment with every derived default filled in. */
export function resolveEnvironment(env: ParsedEnvironment) {
  const layers = withLogRetention(env);
  // The WAF is on in production, and behind CloudFront (it checks the origin header there).
  const behindCdn = env.edge !== undefined && env.services !== undefined;
  const { operations, edge } = layers;
  return {
    ...env,
    ...layers,
    operations: {
      ...operations,
      waf: { ...operations.waf, enabled: operations.waf.enabled ?? (env.production || behindCdn) },
    },
    edge: edge && {
      ...edge,
      waf: { ...edge.waf, enabled: edge.waf.enabled ?? env.production },
    },
  };
}

/** An environment with its derived defaults resolved: what the cross-field rules check. */
export type ResolvedEnvironment = ReturnType<typeof resolveEnvironment>;

export interface ResolvedPlatform extends Omit<ParsedPlatform, "environments"> {
  readonly environments: Record<string, ResolvedEnvironment>;
}

/**
 * What validation worked out on the way, handed to the stacks so no construct plans again:
 * the subnet CIDRs, the listener rules and where created DCV agents live.
 */
export interface EnvironmentPlans {
  /** Subnet CIDRs per tier, in AZ order (modules/network/subnet-plan.ts). */
  readonly subnets: SubnetPlan;
  /** Listener rules and default service; only with services. */
  readonly routing?: RoutingPlan;
  /** Subnet and address of every created DCV agent, by name; only with dcv. */
  readonly agentPlacement?: Readonly<Record<string, AgentPlacement>>;
}

/** A validated environment with its derived defaults and plans (loadConfig's output). */
export type EnvironmentConfig = ResolvedEnvironment & { readonly plans: EnvironmentPlans };

/** The validated, resolved configuration of every environment. */
export interface PlatformConfig extends Omit<ParsedPlatform, "environments"> {
  readonly environments: Record<string, EnvironmentConfig>;
}

export function resolvePlatform(config: ParsedPlatform): ResolvedPlatform {
  return {
    ...config,
    environments: Object.fromEntries(
      Object.entries(config.environments).map(([key, env]) => [key, resolveEnvironment(env)]),
    ),
  };
}

/** `environments.<env>.services`, resolved. */
export type ServicesConfig = NonNullable<EnvironmentConfig["services"]>;
