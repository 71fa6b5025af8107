import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { DataAwsPrefixList } from "@cdktf/provider-aws/lib/data-aws-prefix-list";
import type { ServicesConfig } from "../config/resolve";
import { partitionOf } from "../lib/arn";
import { allowIn, allowOut } from "../lib/sg-rules";
import { ApplicationLoadBalancer } from "../modules/alb";
import type { Database } from "../modules/database";
import { EcsCluster } from "../modules/ecs-cluster";
import { FargateService, type ServiceDatabase } from "../modules/fargate-service";
import { BlueGreenRole } from "../modules/fargate-service/blue-green-role";
import type { ServiceRepository } from "../modules/fargate-service/ecr";
import { ServiceTargetGroups } from "../modules/fargate-service/target-groups";
import type { LogRouterTargets } from "../modules/log-router";
import { LogRouterConfigBucket } from "../modules/log-router/config-bucket";
import { routerImage } from "../modules/log-router/image";
import type { Network } from "../modules/network";
import { logBucketName } from "../modules/observability/log-bucket";
import type { AlarmTargets } from "../modules/observability/settings";
import type { CacheStack } from "./cache-stack";
import { PlatformStack, type PlatformStackProps } from "./platform-stack";

export interface ServicesStackProps extends PlatformStackProps {
  /** The environment's network. */
  readonly network: Network;
  /**
   * The environment's database, for services with `database: true`.
   * @default none
   */
  readonly database?: Database;
  /**
   * The environment's cache: services in its allowFrom get endpoint and credentials.
   * @default none
   */
  readonly cache?: CacheStack;
  /** Cluster, ALB, services and routes. */
  readonly services: ServicesConfig;
  /** The services' image repositories (ECR stack), by service name. */
  readonly repositories: Readonly<Record<string, ServiceRepository>>;
  /** The central log bucket (operations stack) for ALB access logs and the log routers. */
  readonly logBucket: string;
  /**
   * The WAF web ACL (operations stack).
   * @default none
   */
  readonly webAclArn?: string;
  /**
   * Alarm topics and thresholds (operations stack).
   * @default no alarms
   */
  readonly alarms?: AlarmTargets;
}

/**
 * `<project>-<env>-services`: the ECS cluster with its Service Connect namespace, the Fargate
 * services (routed or internal) and the shared ALB.
 */
export class ServicesStack extends PlatformStack {
  readonly cluster: EcsCluster;
  readonly alb: ApplicationLoadBalancer;
  readonly services: Readonly<Record<string, FargateService>>;
  /** The generated Fluent Bit configurations, when a service has a log router. */
  readonly logRouterConfig?: LogRouterConfigBucket;

  constructor(scope: Construct, props: ServicesStackProps) {
    super(scope, "services", props);
    const env = this.environment;
    const cfg = props.services;
    const net = props.network;
    const names = cfg.services.map((svc) => svc.name);
    const settingsOf = Object.fromEntries(cfg.services.map((svc) => [svc.name, svc]));
    const routed = cfg.services.filter((svc) => !svc.internal).map((svc) => svc.name);
    // Planned once, while the configuration was validated (config/semantic-rules.ts).
    const plan = env.plans.routing;
    if (plan === undefined) throw new Error("unreachable: validated services have a routing plan");

    this.cluster = new EcsCluster(this, "cluster", {
      names: this.names,
      containerInsights: cfg.cluster.containerInsights,
      capacity: cfg.cluster,
      execLogRetentionDays: cfg.cluster.execLogRetentionDays,
    });
    const targets: Record<string, ServiceTargetGroups> = {};
    for (const name of routed) {
      const s = settingsOf[name];
      if (s.port === undefined || s.healthCheckPath === undefined) {
        throw new Error(
          `${this.configPath("services", "services")}: ${name} has no port or health path`,
        );
      }
      targets[name] = new ServiceTargetGroups(this, `${name}-targets`, {
        names: this.names,
        service: name,
        vpcId: net.vpcId,
        settings: s,
        port: s.port,
        healthCheckPath: s.healthCheckPath,
      });
    }
    this.alb = new ApplicationLoadBalancer(this, "alb", {
      names: this.names,
      account: env.account,
      region: env.region,
      vpcId: net.vpcId,
      publicSubnetIds: net.subnetIds.public,
      settings: cfg.alb,
      plan,
      targets,
      deletionProtection: env.production,
      accessLogBucket: props.logBucket,
      webAclArn: props.webAclArn,
      alarms: props.alarms,
    });

    const needsBlueGreen = cfg.services.some((svc) => svc.blueGreen.enabled);
    const blueGreenRole = needsBlueGreen
      ? new BlueGreenRole(this, "blue-green-role", {
          names: this.names,
          partition: partitionOf(env.region),
        })
      : undefined;
    const s3 = new DataAwsPrefixList(this, "s3-prefix-list", {
      name: `com.amazonaws.${env.region}.s3`,
    });
    const db = props.database;
    const database: ServiceDatabase | undefined =
      db === undefined
        ? undefined
        : {
            host: db.endpoint,
            port: db.port,
            name: db.databaseName,
            connectArn: (user) => db.connectArn(user),
            securityGroupId: db.securityGroup.id,
            allowFrom: (scope, id, peer, description) => {
              db.allowFrom(scope, id, peer, description);
            },
          };

    const partition = partitionOf(env.region);
    if (cfg.services.some((svc) => svc.logRouter)) {
      this.logRouterConfig = new LogRouterConfigBucket(this, "log-router-config", {
        names: this.names,
        account: env.account,
        region: env.region,
        preventDestroy: env.production,
      });
    }
    // The log bucket by name (known before the operations stack applies), like AWS Config's.
    const logBucket = logBucketName(this.names, env.account, env.region);
    const logRouter: LogRouterTargets | undefined =
      this.logRouterConfig === undefined
        ? undefined
        : {
            settings: cfg.logRouter,
            image: routerImage(cfg.logRouter, {
              account: env.account,
              region: env.region,
              partition,
            }),
            logBucket: { name: logBucket, arn: `arn:${partition}:s3:::${logBucket}` },
            configBucket: {
              name: this.logRouterConfig.bucket.bucket,
              arn: this.logRouterConfig.bucket.arn,
            },
          };

    const called = new Set(cfg.services.flatMap((svc) => svc.calls));
    const portOf = (name: string): number => settingsOf[name].port ?? 0;
    const services: Record<string, FargateService> = {};
    for (const name of names) {
      const s = settingsOf[name];
      const production = this.alb.productionRules[name] as
        (typeof this.alb.productionRules)[string] | undefined;
      const test = this.alb.testRules[name] as (typeof this.alb.testRules)[string] | undefined;
      const tg = targets[name] as ServiceTargetGroups | undefined;
      const repo = props.repositories[name] as ServiceRepository | undefined;
      services[name] = new FargateService(this, name, {
        names: this.names,
        service: name,
        account: env.account,
        region: env.region,
        vpcId: net.vpcId,
        subnetIds: net.subnetIds.private,
        endpointSecurityGroupId: net.endpointSecurityGroupId,
        apiRoutes: net.apiRoutes,
        s3PrefixListId: s3.id,
        cluster: this.cluster,
        settings: s,
        repository:
          repo === undefined
            ? undefined
            : { url: repo.repository.repositoryUrl, arn: repo.repository.arn },
        loadBalancing:
          tg === undefined
            ? undefined
            : {
                port: portOf(name),
                albSecurityGroupId: this.alb.securityGroup.id,
                targetGroups: tg,
                albArnSuffix: this.alb.loadBalancer.arnSuffix,
                blueGreen:
                  blueGreenRole !== undefined && production !== undefined && test !== undefined
                    ? {
                        productionRuleArn: production.arn,
                        testRuleArn: test.arn,
                        roleArn: blueGreenRole.role.arn,
                      }
                    : undefined,
                dependsOn: this.alb.routingResources,
              },
        callees: Object.fromEntries(s.calls.map((callee) => [callee, portOf(callee)])),
        called: called.has(name),
        database,
        attachments: [props.cache?.attachmentFor(name)].filter((a) => a !== undefined),
        alarms: props.alarms,
        logRouter,
        configPath: `${this.configPath("services", "services")}[${names.indexOf(name)}]`,
      });
    }
    this.services = services;

    // Declared calls and nothing else: the callee admits the caller on its port, the caller
    // may reach the callee there (Service Connect's proxy connects task to task).
    for (const caller of cfg.services) {
      for (const callee of caller.calls) {
        const port = portOf(callee);
        allowIn(this, `${caller.name}-calls-${callee}-in`, {
          securityGroupId: services[callee].securityGroup.id,
          peer: { securityGroupId: services[caller.name].securityGroup.id },
          port,
          description: `${caller.name} calls ${callee} (Service Connect)`,
        });
        allowOut(this, `${caller.name}-calls-${callee}-out`, {
          securityGroupId: services[caller.name].securityGroup.id,
          peer: { securityGroupId: services[callee].securityGroup.id },
          port,
          description: `${caller.name} calls ${callee} (Service Connect)`,
        });
      }
    }

    new TerraformOutput(this, "alb_dns_name", {
      value: this.alb.loadBalancer.dnsName,
      description: "ALB DNS name",
    });
    new TerraformOutput(this, "alb_arn", {
      value: this.alb.loadBalancer.arn,
      description: "ALB ARN",
    });
    new TerraformOutput(this, "alb_security_group_id", {
      value: this.alb.securityGroup.id,
      description: "ALB SG",
    });
    new TerraformOutput(this, "cluster_name", {
      value: this.cluster.cluster.name,
      description: "ECS cluster",
    });
    new TerraformOutput(this, "service_connect_namespace", {
      value: this.cluster.namespace.name,
      description: "Service Connect namespace (Cloud Map) of the environment",
    });
    if (this.logRouterConfig !== undefined) {
      new TerraformOutput(this, "log_router_config_bucket", {
        value: this.logRouterConfig.bucket.bucket,
        description: "Bucket of the log routers' generated Fluent Bit configurations",
      });
    }
    new TerraformOutput(this, "service_security_group_ids", {
      value: Object.fromEntries(names.map((n) => [n, services[n].securityGroup.id])),
      description: "Security group per service",
    });
  }
}
