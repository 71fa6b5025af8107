import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcsCluster as EcsClusterResource } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsClusterCapacityProviders } from "@cdktf/provider-aws/lib/ecs-cluster-capacity-providers";
import { ServiceDiscoveryHttpNamespace } from "@cdktf/provider-aws/lib/service-discovery-http-namespace";
import type { LogRetentionDays } from "../../lib/log-retention";
import type { Names } from "../../lib/names";

export interface CapacityStrategy {
  /** Tasks always on regular Fargate before weights apply. */
  readonly fargateBase: number;
  /** Share of further tasks on regular Fargate. */
  readonly fargateWeight: number;
  /** Share of further tasks on Fargate Spot (0 = never). */
  readonly spotWeight: number;
}

export interface EcsClusterProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** Container Insights level. */
  readonly containerInsights: "enhanced" | "enabled" | "disabled";
  /** Default capacity provider strategy. */
  readonly capacity: CapacityStrategy;
  /** Days the ECS Exec session log group keeps sessions. */
  readonly execLogRetentionDays: LogRetentionDays;
}

/**
 * An ECS cluster with Container Insights, logged ECS Exec sessions, Fargate + Fargate Spot, and
 * the environment's Service Connect namespace (Cloud Map) for service-to-service calls.
 */
export class EcsCluster extends Construct {
  readonly cluster: EcsClusterResource;
  /** Service Connect namespace of the environment. */
  readonly namespace: ServiceDiscoveryHttpNamespace;
  readonly execLogGroup: CloudwatchLogGroup;
  /** Default capacity provider strategy, which every service of the cluster uses too. */
  readonly strategy: readonly { capacityProvider: string; base?: number; weight: number }[];
  /** The cluster's capacity-provider association; services using a strategy depend on it. */
  readonly capacityProviders: EcsClusterCapacityProviders;

  constructor(scope: Construct, id: string, props: EcsClusterProps) {
    super(scope, id);
    const { names } = props;

    this.execLogGroup = new CloudwatchLogGroup(this, "exec-logs", {
      name: names.logGroup("ecs", "exec"),
      retentionInDays: props.execLogRetentionDays,
      tags: names.nameTag("ecs-exec"),
    });
    // An HTTP namespace: Service Connect resolves names itself, no Route 53 zone needed.
    this.namespace = new ServiceDiscoveryHttpNamespace(this, "namespace", {
      name: names.physical("services", { maxLength: 1024 }),
      description: "Service Connect: services call each other by name",
      tags: names.nameTag("services"),
    });
    this.cluster = new EcsClusterResource(this, "cluster", {
      name: names.physical("cluster", { maxLength: 255 }),
      serviceConnectDefaults: { namespace: this.namespace.arn },
      setting: [{ name: "containerInsights", value: props.containerInsights }],
      configuration: {
        // Every `ecs execute-command` session is recorded.
        executeCommandConfiguration: {
          logging: "OVERRIDE",
          logConfiguration: { cloudWatchLogGroupName: this.execLogGroup.name },
        },
      },
      tags: names.nameTag("cluster"),
    });

    const c = props.capacity;
    this.strategy = [
      { capacityProvider: "FARGATE", base: c.fargateBase, weight: c.fargateWeight },
      ...(c.spotWeight > 0 ? [{ capacityProvider: "FARGATE_SPOT", weight: c.spotWeight }] : []),
    ];
    this.capacityProviders = new EcsClusterCapacityProviders(this, "capacity-providers", {
      clusterName: this.cluster.name,
      capacityProviders: ["FARGATE", "FARGATE_SPOT"],
      defaultCapacityProviderStrategy: [...this.strategy],
    });
  }
}
