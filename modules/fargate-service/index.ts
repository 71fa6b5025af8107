import { Construct } from "constructs";
import { Token, type ITerraformDependable } from "cdktf";
import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import type { Names } from "../../lib/names";
import { allowIn, allowOut } from "../../lib/sg-rules";
import { parseSecretArn } from "../../lib/references";
import { assertNoIssues } from "../../lib/validation";
import type { EcsCluster } from "../ecs-cluster";
import type { AlarmTargets } from "../observability/settings";
import { ServiceAlarms } from "./alarms";
import { containerDefinition, EXEC_VOLUMES, TMP_VOLUME } from "./container";
import { ServiceRepository } from "./ecr";
import { ServiceRoles } from "./roles";
import type { FargateServiceSettings } from "./settings";
import type { ServiceTargetGroups } from "./target-groups";
import { fargateServiceIssues } from "./validate";

export type * from "./settings";

/** What the service needs of its database, when `database` is on. */
export interface ServiceDatabase {
  /** Writer host name. */
  readonly host: string;
  /** Port. */
  readonly port: number;
  /** Database name. */
  readonly name: string;
  /** RDS-managed master secret ARN (JSON with username and password). */
  readonly secretArn: string;
  /** KMS key that encrypts the secret. */
  readonly secretKeyArn: string;
  /** The database's security group (egress target). */
  readonly securityGroupId: string;
  /** Opens the database to the service's SG; the rule lands in `scope`. */
  readonly allowFrom: (
    scope: Construct,
    id: string,
    peerSecurityGroupId: string,
    description: string,
  ) => void;
}

/** Where the service plugs into the shared ALB. */
export interface ServiceLoadBalancing {
  /** The ALB's security group (the only source of traffic). */
  readonly albSecurityGroupId: string;
  /** Target groups made before the listener rules. */
  readonly targetGroups: ServiceTargetGroups;
  /** `arn_suffix` of the ALB, for request-count scaling. */
  readonly albArnSuffix: string;
  /** Production and test listener rules ECS rewrites during blue/green deployments. */
  readonly blueGreen?: {
    readonly productionRuleArn: string;
    readonly testRuleArn: string;
    readonly roleArn: string;
  };
  /** Listener rules and listeners the service must wait for (a target group needs a listener). */
  readonly dependsOn: readonly ITerraformDependable[];
}

export interface FargateServiceProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** Service name. */
  readonly service: string;
  /** Account (role trust). */
  readonly account: string;
  /** Region. */
  readonly region: string;
  /** VPC of the tasks. */
  readonly vpcId: string;
  /** Private subnets, one per AZ. */
  readonly subnetIds: readonly string[];
  /** SG of the VPC's interface endpoints (ECR, logs, secrets). */
  readonly endpointSecurityGroupId: string;
  /** Managed prefix list of S3 (ECR image layers). */
  readonly s3PrefixListId: string;
  /** The cluster the service runs in. */
  readonly cluster: EcsCluster;
  /** The service's settings. */
  readonly settings: FargateServiceSettings;
  /** ALB wiring. */
  readonly loadBalancing: ServiceLoadBalancing;
  /**
   * The database, for services with `database: true`.
   * @default none
   */
  readonly database?: ServiceDatabase;
  /**
   * Where the CPU, memory and missing-task alarms go.
   * @default no alarms
   */
  readonly alarms?: AlarmTargets;
  /**
   * Prefix for validation errors.
   * @default the construct path
   */
  readonly configPath?: string;
}

/**
 * One Fargate service behind the shared ALB: its ECR repository, log group, least-privilege
 * roles, a security group that admits only the ALB, a read-only non-root container, circuit
 * breaker rollback (or ECS blue/green) and CPU/memory target tracking.
 */
export class FargateService extends Construct {
  readonly repository?: ServiceRepository;
  readonly logGroup: CloudwatchLogGroup;
  readonly roles: ServiceRoles;
  readonly securityGroup: SecurityGroup;
  readonly taskDefinition: EcsTaskDefinition;
  readonly service: EcsService;
  readonly scaling: AppautoscalingTarget;

  constructor(scope: Construct, id: string, props: FargateServiceProps) {
    super(scope, id);
    const { names, settings: s, service: name } = props;
    assertNoIssues(
      props.configPath ?? this.node.path,
      fargateServiceIssues(name, s, { namePrefix: names.prefix }),
    );
    if (s.database && props.database === undefined) {
      throw new Error(
        `${props.configPath ?? this.node.path}.database: true, but the environment has no database`,
      );
    }
    const lb = props.loadBalancing;

    this.repository =
      s.image === undefined
        ? new ServiceRepository(this, "ecr", { names, service: name })
        : undefined;
    const image =
      s.image ?? `${this.repository?.repository.repositoryUrl ?? ""}:${s.imageTag ?? ""}`;
    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: names.logGroup("ecs", name),
      retentionInDays: s.logRetentionDays,
      tags: names.nameTag(["logs", name]),
    });

    const secrets: Record<string, string> = {};
    const secretArns: string[] = [];
    const parameterArns: string[] = [];
    for (const [variable, source] of Object.entries(s.secrets)) {
      if ("secretArn" in source) {
        secrets[variable] =
          source.jsonKey === undefined
            ? source.secretArn
            : `${source.secretArn}:${source.jsonKey}::`;
        // IAM grants on the secret itself, never on ECS's key/version selectors.
        const parsed = parseSecretArn(source.secretArn);
        secretArns.push(parsed.ok ? parsed.secret.base : source.secretArn);
      } else {
        secrets[variable] = source.ssmParameterArn;
        parameterArns.push(source.ssmParameterArn);
      }
    }
    const environment: Record<string, string> = { ...s.environment };
    const db = s.database ? props.database : undefined;
    if (db !== undefined) {
      environment.DATABASE_HOST = db.host;
      environment.DATABASE_PORT = Token.asString(db.port);
      environment.DATABASE_NAME = db.name;
      secrets.DATABASE_USER = `${db.secretArn}:username::`;
      secrets.DATABASE_PASSWORD = `${db.secretArn}:password::`;
      secretArns.push(db.secretArn);
    }

    this.roles = new ServiceRoles(this, "roles", {
      names,
      service: name,
      account: props.account,
      region: props.region,
      repositoryArn: this.repository?.repository.arn,
      logGroupArn: this.logGroup.arn,
      secretArns,
      parameterArns,
      secretKeyArns: db === undefined ? [] : [db.secretKeyArn],
      taskPermissions: s.taskPermissions,
      exec: s.execEnabled ? { logGroupArn: props.cluster.execLogGroup.arn } : undefined,
    });

    this.securityGroup = new SecurityGroup(this, "security-group", {
      namePrefix: `${names.physical(["svc", name], { maxLength: 200 })}-`,
      description: `Service ${name}: traffic from the ALB only`,
      vpcId: props.vpcId,
      tags: names.nameTag(["svc", name]),
      lifecycle: { createBeforeDestroy: true },
    });
    const sg = this.securityGroup.id;
    allowIn(this, "from-alb", {
      securityGroupId: sg,
      peer: { securityGroupId: lb.albSecurityGroupId },
      port: s.port,
      description: "ALB to the container",
    });
    allowOut(this, "alb-to-service", {
      securityGroupId: lb.albSecurityGroupId,
      peer: { securityGroupId: sg },
      port: s.port,
      description: `ALB to ${name}`,
    });
    allowOut(this, "to-endpoints", {
      securityGroupId: sg,
      peer: { securityGroupId: props.endpointSecurityGroupId },
      port: 443,
      description: "AWS APIs via interface endpoints",
    });
    allowOut(this, "to-s3", {
      securityGroupId: sg,
      peer: { prefixListId: props.s3PrefixListId },
      port: 443,
      description: "S3 (ECR image layers)",
    });
    if (s.internetEgress) {
      allowOut(this, "to-internet", {
        securityGroupId: sg,
        peer: { cidr: "0.0.0.0/0" },
        port: 443,
        description: "HTTPS to the internet (declared)",
      });
    }
    if (db !== undefined) {
      allowOut(this, "to-database", {
        securityGroupId: sg,
        peer: { securityGroupId: db.securityGroupId },
        port: db.port,
        description: "PostgreSQL",
      });
      db.allowFrom(this, "database-from-service", sg, `Service ${name}`);
    }

    const container = containerDefinition({
      name,
      image,
      port: s.port,
      environment,
      secrets,
      user: s.user,
      execEnabled: s.execEnabled,
      logGroupName: this.logGroup.name,
      region: props.region,
    });
    this.taskDefinition = new EcsTaskDefinition(this, "task", {
      family: names.physical(name, { maxLength: 255 }),
      networkMode: "awsvpc",
      requiresCompatibilities: ["FARGATE"],
      cpu: String(s.cpu),
      memory: String(s.memory),
      executionRoleArn: this.roles.executionRole.arn,
      taskRoleArn: this.roles.taskRole.arn,
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
      containerDefinitions: JSON.stringify([container]),
      volume: [
        { name: TMP_VOLUME },
        ...(s.execEnabled ? EXEC_VOLUMES.map((v) => ({ name: v.name })) : []),
      ],
      tags: names.nameTag(name),
    });

    const blueGreen =
      lb.blueGreen !== undefined && lb.targetGroups.alternate !== undefined
        ? lb.blueGreen
        : undefined;
    this.service = new EcsService(this, "service", {
      name,
      cluster: props.cluster.cluster.arn,
      taskDefinition: this.taskDefinition.arn,
      desiredCount: s.scaling.minTasks,
      capacityProviderStrategy: [...props.cluster.strategy],
      networkConfiguration: {
        subnets: [...props.subnetIds],
        securityGroups: [sg],
        assignPublicIp: false,
      },
      loadBalancer: [
        {
          targetGroupArn: lb.targetGroups.primary.arn,
          containerName: name,
          containerPort: s.port,
          advancedConfiguration:
            blueGreen === undefined || lb.targetGroups.alternate === undefined
              ? undefined
              : {
                  alternateTargetGroupArn: lb.targetGroups.alternate.arn,
                  productionListenerRule: blueGreen.productionRuleArn,
                  testListenerRule: blueGreen.testRuleArn,
                  roleArn: blueGreen.roleArn,
                },
        },
      ],
      deploymentCircuitBreaker: { enable: true, rollback: true },
      deploymentMinimumHealthyPercent: 100,
      deploymentMaximumPercent: 200,
      deploymentConfiguration:
        blueGreen === undefined
          ? { strategy: "ROLLING" }
          : { strategy: "BLUE_GREEN", bakeTimeInMinutes: String(s.blueGreen.bakeTimeMinutes) },
      healthCheckGracePeriodSeconds: s.healthCheckGracePeriodSeconds,
      enableExecuteCommand: s.execEnabled,
      enableEcsManagedTags: true,
      propagateTags: "SERVICE",
      tags: names.nameTag(name),
      // The strategy needs the providers associated first (and still associated on destroy).
      dependsOn: [...lb.dependsOn, props.cluster.capacityProviders],
      // Autoscaling owns the task count after creation.
      lifecycle: { ignoreChanges: ["desired_count"] },
    });

    this.scaling = new AppautoscalingTarget(this, "scaling", {
      serviceNamespace: "ecs",
      scalableDimension: "ecs:service:DesiredCount",
      resourceId: `service/${props.cluster.cluster.name}/${this.service.name}`,
      minCapacity: s.scaling.minTasks,
      maxCapacity: s.scaling.maxTasks,
    });
    const track = (policyId: string, metric: string, target: number, resourceLabel?: string) =>
      new AppautoscalingPolicy(this, policyId, {
        name: names.physical([name, policyId], { maxLength: 255 }),
        policyType: "TargetTrackingScaling",
        serviceNamespace: this.scaling.serviceNamespace,
        scalableDimension: this.scaling.scalableDimension,
        resourceId: this.scaling.resourceId,
        targetTrackingScalingPolicyConfiguration: {
          targetValue: target,
          scaleOutCooldown: s.scaling.scaleOutCooldownSeconds,
          scaleInCooldown: s.scaling.scaleInCooldownSeconds,
          predefinedMetricSpecification: { predefinedMetricType: metric, resourceLabel },
        },
      });
    if (props.alarms !== undefined) {
      new ServiceAlarms(this, "alarms", {
        names,
        cluster: props.cluster.cluster.name,
        service: name,
        targets: props.alarms,
      });
    }
    track("cpu", "ECSServiceAverageCPUUtilization", s.scaling.cpuTarget);
    track("memory", "ECSServiceAverageMemoryUtilization", s.scaling.memoryTarget);
    if (s.scaling.requestsPerTarget !== undefined) {
      track(
        "requests",
        "ALBRequestCountPerTarget",
        s.scaling.requestsPerTarget,
        `${lb.albArnSuffix}/${lb.targetGroups.primary.arnSuffix}`,
      );
    }
  }
}
