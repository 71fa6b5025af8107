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
import { apiEgress, FARGATE_API_ENDPOINTS, type ApiRoutes } from "../../lib/api-egress";
import type { AlarmTargets } from "../observability/settings";
import { LOG_ROUTER_CONTAINER, ServiceLogRouter, type LogRouterTargets } from "../log-router";
import { partitionOf } from "../../lib/arn";
import { ServiceAlarms } from "./alarms";
import { containerDefinition, containerHealthCheck, EXEC_VOLUMES, TMP_VOLUME } from "./container";
import { DeploymentAlarms } from "./deployment-alarms";
import { ServiceRoles } from "./roles";
import type { FargateServiceSettings } from "./settings";
import type { ServiceTargetGroups } from "./target-groups";
import { databaseUserOf, fargateServiceIssues, serviceUrlVariable } from "./validate";

export { serviceUrlVariable } from "./validate";

export type * from "./settings";

/** What the service needs of its database, when `database` is on. */
export interface ServiceDatabase {
  /** Writer host name. */
  readonly host: string;
  /** Port. */
  readonly port: number;
  /** Database name. */
  readonly name: string;
  /** The `rds-db:connect` resource ARN for IAM authentication as `dbUser`. */
  readonly connectArn: (dbUser: string) => string;
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
  /** Container port the ALB forwards to. */
  readonly port: number;
  /** The ALB's security group (the only source of traffic). */
  readonly albSecurityGroupId: string;
  /** Target groups made before the listener rules. */
  readonly targetGroups: ServiceTargetGroups;
  /** `arn_suffix` of the ALB, for request-count scaling and the deployment alarms. */
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

/** A backing service a task connects to (cache, queue...), as FargateService wires it. */
export interface ServiceAttachment {
  /** Short id, part of the rule construct ids (stable: never from tokens). */
  readonly id: string;
  /** Plain variables (host, port, user...). */
  readonly environment: Readonly<Record<string, string>>;
  /** Variables read from Secrets Manager at task start. */
  readonly secrets: Readonly<
    Record<string, { readonly secretArn: string; readonly jsonKey?: string }>
  >;
  /** KMS keys of those secrets (decrypt through Secrets Manager only). */
  readonly secretKeyArns: readonly string[];
  /** Security group of the backing service. */
  readonly securityGroupId: string;
  /** Port the tasks connect to. */
  readonly port: number;
  /** Why the egress rule exists. */
  readonly description: string;
  /** Opens the backing service's side for the task's security group. */
  readonly allowFrom: (
    scope: Construct,
    id: string,
    peer: { readonly securityGroupId: string },
    description: string,
  ) => void;
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
  /**
   * The VPC's interface endpoints and whether it has a NAT gateway: APIs without an endpoint
   * are reached through the NAT.
   * @default every API through an interface endpoint, no NAT egress
   */
  readonly apiRoutes?: ApiRoutes;
  /** The cluster the service runs in (and its Service Connect namespace). */
  readonly cluster: EcsCluster;
  /** The service's settings. */
  readonly settings: FargateServiceSettings;
  /**
   * The service's ECR repository (ECR stack), for services without `image`.
   * @default none
   */
  readonly repository?: { readonly url: string; readonly arn: string };
  /**
   * ALB wiring.
   * @default none (an internal service)
   */
  readonly loadBalancing?: ServiceLoadBalancing;
  /**
   * Ports of the services this one calls (by name), for their Service Connect URLs.
   * @default {}
   */
  readonly callees?: Readonly<Record<string, number>>;
  /**
   * Whether another service calls this one: it then serves on Service Connect.
   * @default false
   */
  readonly called?: boolean;
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
   * Backing services the tasks connect to besides the database (e.g. the cache): variables,
   * secrets with the keys that encrypt them, and the port opened both ways.
   * @default none
   */
  readonly attachments?: readonly ServiceAttachment[];
  /**
   * Where the FireLens log router writes, for services with `logRouter: true`.
   * @default none
   */
  readonly logRouter?: LogRouterTargets;
  /**
   * Prefix for validation errors.
   * @default the construct path
   */
  readonly configPath?: string;
}

/**
 * One Fargate service, behind the shared ALB or internal: its log group, least-privilege
 * roles, a security group that admits only the ALB (and declared callers), a read-only
 * non-root container with a health check, alarm-watched deployments (rolling with circuit
 * breaker, or ECS blue/green) that Terraform waits for, and CPU/memory target tracking.
 */
export class FargateService extends Construct {
  readonly logGroup: CloudwatchLogGroup;
  /** The FireLens log router, when the service has one. */
  readonly logRouter?: ServiceLogRouter;
  readonly roles: ServiceRoles;
  readonly securityGroup: SecurityGroup;
  readonly taskDefinition: EcsTaskDefinition;
  readonly service: EcsService;
  readonly scaling: AppautoscalingTarget;
  /** Alarms that roll a deployment back (load-balanced services). */
  readonly deploymentAlarms?: DeploymentAlarms;

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
    if (s.logRouter && props.logRouter === undefined) {
      throw new Error(
        `${props.configPath ?? this.node.path}.logRouter: true, but no log bucket and configuration bucket were given for the router to write to`,
      );
    }
    if (s.image === undefined && props.repository === undefined) {
      throw new Error(`${props.configPath ?? this.node.path}: no image and no repository given`);
    }
    const lb = props.loadBalancing;

    const image = s.image ?? `${props.repository?.url ?? ""}:${s.imageTag ?? ""}`;
    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: names.logGroup("ecs", name),
      retentionInDays: s.logRetentionDays,
      tags: names.nameTag(["logs", name]),
    });
    const routerTargets = s.logRouter ? props.logRouter : undefined;
    // With a router, the service's group keeps only the error lines (with the same retention).
    this.logRouter =
      routerTargets === undefined
        ? undefined
        : new ServiceLogRouter(this, "log-router", {
            names,
            service: name,
            region: props.region,
            partition: partitionOf(props.region),
            targets: routerTargets,
            errorLogGroup: {
              name: names.logGroup("ecs", name),
              group: this.logGroup,
            },
            retentionDays: s.logRetentionDays,
            warningTopicArn: props.alarms?.warning,
          });
    const router = this.logRouter;

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
    const attachments = props.attachments ?? [];
    for (const a of attachments) {
      for (const [variable, source] of Object.entries(a.secrets)) {
        secrets[variable] =
          source.jsonKey === undefined
            ? source.secretArn
            : `${source.secretArn}:${source.jsonKey}::`;
        secretArns.push(source.secretArn);
      }
    }
    const environment: Record<string, string> = { ...s.environment };
    for (const a of attachments) Object.assign(environment, a.environment);
    for (const [callee, port] of Object.entries(props.callees ?? {})) {
      environment[serviceUrlVariable(callee)] = `http://${callee}:${port}`;
    }
    const db = s.database ? props.database : undefined;
    const dbUser = databaseUserOf(s);
    if (db !== undefined) {
      // IAM authentication: the application signs a token with its task role; there is no
      // password to leak or to go stale when a secret rotates.
      environment.DATABASE_HOST = db.host;
      environment.DATABASE_PORT = Token.asString(db.port);
      environment.DATABASE_NAME = db.name;
      environment.DATABASE_USER = dbUser;
      environment.DATABASE_AUTH = "iam";
      environment.DATABASE_SSL = "require";
    }

    this.roles = new ServiceRoles(this, "roles", {
      names,
      service: name,
      account: props.account,
      region: props.region,
      repositoryArn: s.image === undefined ? props.repository?.arn : undefined,
      logGroupArn: this.logGroup.arn,
      secretArns,
      parameterArns,
      secretKeyArns: attachments.flatMap((a) => a.secretKeyArns),
      databaseConnectArns: db === undefined ? [] : [db.connectArn(dbUser)],
      taskPermissions: s.taskPermissions,
      exec: s.execEnabled ? { logGroupArn: props.cluster.execLogGroup.arn } : undefined,
      logRouter:
        router === undefined || routerTargets === undefined
          ? undefined
          : {
              repositoryArn: routerTargets.image.repositoryArn,
              pullThrough: routerTargets.image.pullThrough,
              logGroupArn: router.logGroup.arn,
              ...router.taskResources,
            },
    });

    this.securityGroup = new SecurityGroup(this, "security-group", {
      namePrefix: `${names.physical(["svc", name], { maxLength: 200 })}-`,
      description: `Service ${name}: traffic from the ALB and declared callers only`,
      vpcId: props.vpcId,
      tags: names.nameTag(["svc", name]),
      lifecycle: { createBeforeDestroy: true },
    });
    const sg = this.securityGroup.id;
    if (lb !== undefined) {
      allowIn(this, "from-alb", {
        securityGroupId: sg,
        peer: { securityGroupId: lb.albSecurityGroupId },
        port: lb.port,
        description: "ALB to the container",
      });
      allowOut(this, "alb-to-service", {
        securityGroupId: lb.albSecurityGroupId,
        peer: { securityGroupId: sg },
        port: lb.port,
        description: `ALB to ${name}`,
      });
    }
    const needed = [
      ...FARGATE_API_ENDPOINTS,
      ...(s.database || Object.values(s.secrets).some((x) => "secretArn" in x)
        ? ["secretsmanager"]
        : []),
      ...(Object.values(s.secrets).some((x) => "ssmParameterArn" in x) ? ["ssm"] : []),
      ...(s.execEnabled ? ["ssmmessages"] : []),
    ];
    const egress =
      props.apiRoutes === undefined
        ? { viaEndpoints: true, viaNat: false }
        : apiEgress(needed, props.apiRoutes.interfaceEndpoints, props.apiRoutes.hasNat);
    if (egress.viaEndpoints) {
      allowOut(this, "to-endpoints", {
        securityGroupId: sg,
        peer: { securityGroupId: props.endpointSecurityGroupId },
        port: 443,
        description: "AWS APIs via interface endpoints",
      });
    }
    if (egress.viaNat && !s.internetEgress) {
      allowOut(this, "to-aws-apis", {
        securityGroupId: sg,
        peer: { cidr: "0.0.0.0/0" },
        port: 443,
        description: "AWS APIs without an interface endpoint, through the NAT gateway",
      });
    }
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

    attachments.forEach((a, i) => {
      allowOut(this, `to-${a.id}`, {
        securityGroupId: sg,
        peer: { securityGroupId: a.securityGroupId },
        port: a.port,
        description: a.description,
      });
      a.allowFrom(this, `${a.id}-from-service-${i}`, { securityGroupId: sg }, `Service ${name}`);
    });

    const container = containerDefinition({
      name,
      image,
      port: s.port,
      healthCheck: containerHealthCheck(s),
      environment,
      secrets,
      user: s.user,
      execEnabled: s.execEnabled,
      logGroupName: this.logGroup.name,
      region: props.region,
      logRouter: router === undefined ? undefined : LOG_ROUTER_CONTAINER,
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
      containerDefinitions: JSON.stringify([
        container,
        ...(router === undefined ? [] : [router.container]),
      ]),
      volume: [
        { name: TMP_VOLUME },
        ...(s.execEnabled ? EXEC_VOLUMES.map((v) => ({ name: v.name })) : []),
      ],
      tags: names.nameTag(name),
    });

    const blueGreen =
      lb?.blueGreen !== undefined && lb.targetGroups.alternate !== undefined
        ? { ...lb.blueGreen, alternate: lb.targetGroups.alternate }
        : undefined;
    this.deploymentAlarms =
      lb === undefined
        ? undefined
        : new DeploymentAlarms(this, "deployment-alarms", {
            names,
            service: name,
            albArnSuffix: lb.albArnSuffix,
            targetGroupArnSuffixes: [
              lb.targetGroups.primary.arnSuffix,
              ...(lb.targetGroups.alternate === undefined
                ? []
                : [lb.targetGroups.alternate.arnSuffix]),
            ],
            // Warning: a fired alarm already rolls back; the ALB and task alarms page on outages.
            topicArn: props.alarms?.warning,
          });
    const serviceConnect = props.called === true || Object.keys(props.callees ?? {}).length > 0;
    const timeout = `${s.deploymentTimeoutMinutes}m`;
    const minTasks = s.imagePending ? 0 : s.scaling.minTasks;
    this.service = new EcsService(this, "service", {
      name,
      cluster: props.cluster.cluster.arn,
      taskDefinition: this.taskDefinition.arn,
      desiredCount: minTasks,
      capacityProviderStrategy: [...props.cluster.strategy],
      // Without it, any change of the strategy replaces the service; with it, the provider
      // updates the strategy in place and rolls the tasks onto it.
      forceNewDeployment: true,
      networkConfiguration: {
        subnets: [...props.subnetIds],
        securityGroups: [sg],
        assignPublicIp: false,
      },
      loadBalancer:
        lb === undefined
          ? undefined
          : [
              {
                targetGroupArn: lb.targetGroups.primary.arn,
                containerName: name,
                containerPort: lb.port,
                advancedConfiguration:
                  blueGreen === undefined
                    ? undefined
                    : {
                        alternateTargetGroupArn: blueGreen.alternate.arn,
                        productionListenerRule: blueGreen.productionRuleArn,
                        testListenerRule: blueGreen.testRuleArn,
                        roleArn: blueGreen.roleArn,
                      },
              },
            ],
      serviceConnectConfiguration: serviceConnect
        ? {
            enabled: true,
            namespace: props.cluster.namespace.arn,
            service:
              props.called === true && s.port !== undefined
                ? [
                    {
                      portName: name,
                      discoveryName: name,
                      clientAlias: { port: s.port, dnsName: name },
                    },
                  ]
                : undefined,
          }
        : undefined,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      // The circuit breaker sees only failing tasks; the alarms see a release that starts but
      // serves errors, and roll back rolling and blue/green deployments alike.
      alarms:
        this.deploymentAlarms === undefined
          ? undefined
          : { alarmNames: this.deploymentAlarms.names, enable: true, rollback: true },
      deploymentMinimumHealthyPercent: 100,
      deploymentMaximumPercent: 200,
      deploymentConfiguration:
        blueGreen === undefined
          ? { strategy: "ROLLING" }
          : { strategy: "BLUE_GREEN", bakeTimeInMinutes: String(s.blueGreen.bakeTimeMinutes) },
      healthCheckGracePeriodSeconds: lb === undefined ? undefined : s.healthCheckGracePeriodSeconds,
      waitForSteadyState: s.waitForSteadyState,
      timeouts: { create: timeout, update: timeout },
      enableExecuteCommand: s.execEnabled,
      enableEcsManagedTags: true,
      propagateTags: "SERVICE",
      tags: names.nameTag(name),
      // The strategy needs the providers associated first (and still associated on destroy).
      // The router's init process reads its configuration object when the first task starts,
      // and the first tasks need the roles' permissions already granted: a first deployment
      // that fails has nothing to roll back to, and the apply fails.
      dependsOn: [
        ...(lb?.dependsOn ?? []),
        props.cluster.capacityProviders,
        ...this.roles.policies,
        ...(router === undefined ? [] : [router.config]),
      ],
      // Autoscaling owns the task count after creation.
      lifecycle: { ignoreChanges: ["desired_count"] },
    });

    this.scaling = new AppautoscalingTarget(this, "scaling", {
      serviceNamespace: "ecs",
      scalableDimension: "ecs:service:DesiredCount",
      resourceId: `service/${props.cluster.cluster.name}/${this.service.name}`,
      // Raising the minimum (imagePending back to false) raises the running count with it.
      minCapacity: minTasks,
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
    if (s.scaling.requestsPerTarget !== undefined && lb !== undefined) {
      track(
        "requests",
        "ALBRequestCountPerTarget",
        s.scaling.requestsPerTarget,
        `${lb.albArnSuffix}/${lb.targetGroups.primary.arnSuffix}`,
      );
    }
  }
}
