import type { Construct } from "constructs";
import type { EnvironmentConfig, PlatformConfig } from "../config/resolve";
import { BootstrapStack } from "./bootstrap-stack";
import { CacheStack } from "./cache-stack";
import { CiStack } from "./ci-stack";
import { DataStack } from "./data-stack";
import { DcvStack } from "./dcv-stack";
import { EcrStack } from "./ecr-stack";
import { EdgeStack, originDomainOf } from "./edge-stack";
import { HcpStack } from "./hcp-stack";
import { ServicesStack } from "./services-stack";
import { MonitoringStack } from "./monitoring-stack";
import { NetworkStack } from "./network-stack";
import { OpsStack } from "./ops-stack";

export { BootstrapStack } from "./bootstrap-stack";
export { CacheStack } from "./cache-stack";
export { CiStack } from "./ci-stack";
export { DataStack } from "./data-stack";
export { DcvStack } from "./dcv-stack";
export { EcrStack } from "./ecr-stack";
export { EdgeStack } from "./edge-stack";
export { HcpStack } from "./hcp-stack";
export { ServicesStack } from "./services-stack";
export { MonitoringStack } from "./monitoring-stack";
export { NetworkStack } from "./network-stack";
export { OpsStack } from "./ops-stack";
export { PlatformStack } from "./platform-stack";

/** The stacks of one environment; later layers take earlier ones' constructs as inputs. */
export interface EnvironmentStacks {
  readonly bootstrap?: BootstrapStack;
  readonly ci?: CiStack;
  readonly network: NetworkStack;
  readonly ops: OpsStack;
  readonly data?: DataStack;
  readonly dcv?: DcvStack;
  readonly cache?: CacheStack;
  readonly ecr?: EcrStack;
  readonly services?: ServicesStack;
  readonly edge?: EdgeStack;
  readonly monitoring: MonitoringStack;
  /** HCP Terraform workspaces and run roles, in cloud state mode. */
  readonly hcp?: HcpStack;
}

export interface BuildOptions {
  /** Validated configuration (from loadConfig). */
  readonly config: PlatformConfig;
  /** The environments to build; all of them unless given. */
  readonly environments?: readonly EnvironmentConfig[];
  /** Terraform release from `.terraform-version`. */
  readonly terraformVersion: string;
}

/** Creates every stack of the selected environments under `scope` (the App). */
export function buildPlatform(
  scope: Construct,
  options: BuildOptions,
): Record<string, EnvironmentStacks> {
  const built: Record<string, EnvironmentStacks> = {};
  for (const environment of options.environments ?? Object.values(options.config.environments)) {
    const common = {
      project: options.config.project,
      environment,
      terraformVersion: options.terraformVersion,
    };
    const bootstrap =
      environment.state.backend === "s3" && environment.state.bootstrap
        ? new BootstrapStack(scope, { ...common, state: environment.state })
        : undefined;
    const ci =
      environment.ci === undefined
        ? undefined
        : new CiStack(scope, { ...common, ci: environment.ci });
    const network = new NetworkStack(scope, common);
    const behindCdn = environment.edge !== undefined && environment.services !== undefined;
    const ops = new OpsStack(scope, {
      ...common,
      operations: environment.operations,
      behindCdn,
    });
    const alarms = ops.alarmTargets;
    const data =
      environment.database === undefined
        ? undefined
        : new DataStack(scope, {
            ...common,
            network: network.network,
            database: environment.database,
            alarms,
          });
    const dcv =
      environment.dcv === undefined
        ? undefined
        : new DcvStack(scope, {
            ...common,
            network: network.network,
            dcv: environment.dcv,
            alarmTopicArn: alarms.critical,
          });
    const cache =
      environment.cache === undefined
        ? undefined
        : new CacheStack(scope, {
            ...common,
            network: network.network,
            cache: environment.cache,
            services: (environment.services?.services ?? []).map((s) => s.name),
            alarms,
          });
    const ecr =
      environment.services === undefined
        ? undefined
        : new EcrStack(scope, { ...common, services: environment.services });
    const services =
      environment.services === undefined || ecr === undefined
        ? undefined
        : new ServicesStack(scope, {
            ...common,
            network: network.network,
            repositories: ecr.repositories,
            database: data?.database,
            cache,
            services: environment.services,
            logBucket: ops.logBucket.bucket.bucket,
            webAclArn: ops.webAcl?.acl.arn,
            alarms,
          });
    const originDomain = originDomainOf(environment);
    let edge: EdgeStack | undefined;
    if (
      environment.edge !== undefined &&
      services !== undefined &&
      ops.originSecret !== undefined &&
      originDomain !== undefined
    ) {
      edge = new EdgeStack(scope, {
        ...common,
        edge: environment.edge,
        originDomain,
        originSecretArn: ops.originSecret.secret.arn,
        logBucketArn: ops.logBucket.bucket.arn,
      });
      // Ordering only: the origin name resolves once the services stack made its alias record.
      edge.addDependency(services);
    }
    const monitoring = new MonitoringStack(scope, { ...common, data, services, dcv });
    const state = environment.state;
    const hcp =
      state.backend === "cloud"
        ? new HcpStack(scope, {
            ...common,
            state,
            stacks: [network, ops, data, dcv, cache, ecr, services, edge, monitoring].filter(
              (s) => s !== undefined,
            ),
          })
        : undefined;
    built[environment.name] = {
      bootstrap,
      ci,
      network,
      ops,
      data,
      dcv,
      cache,
      ecr,
      services,
      edge,
      monitoring,
      hcp,
    };
  }
  return built;
}
