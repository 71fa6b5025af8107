import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { DataAwsPrefixList } from "@cdktf/provider-aws/lib/data-aws-prefix-list";
import type { ServicesConfig } from "../config/services-schema";
import { partitionOf } from "../lib/arn";
import { ApplicationLoadBalancer } from "../modules/alb";
import { planRoutes } from "../modules/alb/routing";
import type { Database } from "../modules/database";
import { EcsCluster } from "../modules/ecs-cluster";
import { FargateService, type ServiceDatabase } from "../modules/fargate-service";
import { BlueGreenRole } from "../modules/fargate-service/blue-green-role";
import { ServiceTargetGroups } from "../modules/fargate-service/target-groups";
import type { Network } from "../modules/network";
import type { AlarmTargets } from "../modules/observability/settings";
import { PlatformStack, type PlatformStackProps } from "./platform-stack";

export interface ServicesStackProps extends PlatformStackProps {
  /** The environment's network. */
  readonly network: Network;
  /**
   * The environment's database, for services with `database: true`.
   * @default none
   */
  readonly database?: Database;
  /** Cluster, ALB, services and routes. */
  readonly services: ServicesConfig;
  /** The central log bucket (operations stack) for ALB access logs. */
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

/** `<project>-<env>-services`: the ECS cluster, the Fargate services and the shared ALB. */
export class ServicesStack extends PlatformStack {
  readonly cluster: EcsCluster;
  readonly alb: ApplicationLoadBalancer;
  readonly services: Readonly<Record<string, FargateService>>;

  constructor(scope: Construct, props: ServicesStackProps) {
    super(scope, "services", props);
    const env = this.environment;
    const cfg = props.services;
    const net = props.network;
    const names = cfg.services.map((svc) => svc.name);
    const settingsOf = Object.fromEntries(cfg.services.map((svc) => [svc.name, svc]));
    const plan = planRoutes(cfg.routes, names, this.configPath("services", "routes"));

    this.cluster = new EcsCluster(this, "cluster", {
      names: this.names,
      containerInsights: cfg.cluster.containerInsights,
      capacity: cfg.cluster,
      execLogRetentionDays: cfg.cluster.execLogRetentionDays,
    });
    const targets: Record<string, ServiceTargetGroups> = {};
    for (const name of names) {
      targets[name] = new ServiceTargetGroups(this, `${name}-targets`, {
        names: this.names,
        service: name,
        vpcId: net.vpcId,
        settings: settingsOf[name],
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
            secretArn: db.masterSecretArn,
            secretKeyArn: db.kmsKey.arn,
            securityGroupId: db.securityGroup.id,
            allowFrom: (scope, id, peer, description) => {
              db.allowFrom(scope, id, peer, description);
            },
          };

    const services: Record<string, FargateService> = {};
    for (const name of names) {
      const production = this.alb.productionRules[name] as
        (typeof this.alb.productionRules)[string] | undefined;
      const test = this.alb.testRules[name] as (typeof this.alb.testRules)[string] | undefined;
      services[name] = new FargateService(this, name, {
        names: this.names,
        service: name,
        account: env.account,
        region: env.region,
        vpcId: net.vpcId,
        subnetIds: net.subnetIds.private,
        endpointSecurityGroupId: net.endpointSecurityGroupId,
        s3PrefixListId: s3.id,
        cluster: this.cluster,
        settings: settingsOf[name],
        loadBalancing: {
          albSecurityGroupId: this.alb.securityGroup.id,
          targetGroups: targets[name],
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
        database,
        alarms: props.alarms,
        configPath: `${this.configPath("services", "services")}[${names.indexOf(name)}]`,
      });
    }
    this.services = services;

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
    new TerraformOutput(this, "ecr_repository_urls", {
      value: Object.fromEntries(
        names.flatMap((n) => {
          const repo = services[n].repository;
          return repo === undefined ? [] : [[n, repo.repository.repositoryUrl]];
        }),
      ),
      description: "ECR repository URL per service (push images here)",
    });
    new TerraformOutput(this, "service_security_group_ids", {
      value: Object.fromEntries(names.map((n) => [n, services[n].securityGroup.id])),
      description: "Security group per service",
    });
  }
}
