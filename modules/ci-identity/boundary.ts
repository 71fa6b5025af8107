import { allow, arns, deny, svc, type Condition, type DeployScope, type Statement } from "./scope";

/** A statement a workload declared in config (e.g. a service's taskPermissions). */
export interface DeclaredPermission {
  readonly actions: readonly string[];
  readonly resources: readonly string[];
}

/**
 * What the platform's own roles call at run time: ECS task and execution roles, the DCV
 * instances (SSM Session Manager), RDS enhanced monitoring, flow logs, the blue/green
 * load-balancer role. The boundary is a ceiling, not a grant: each role still gets only its
 * own policy, but no role CI creates can hold more than this plus what config declares.
 */
const WORKLOAD_ACTIONS = [
  ...svc("logs", [
    "CreateLogGroup",
    "CreateLogStream",
    "PutLogEvents",
    "PutRetentionPolicy",
    "DescribeLogGroups",
    "DescribeLogStreams",
    "GetLogEvents",
  ]),
  ...svc("ecr", [
    "GetAuthorizationToken",
    "BatchCheckLayerAvailability",
    "GetDownloadUrlForLayer",
    "BatchGetImage",
  ]),
  "secretsmanager:GetSecretValue",
  "secretsmanager:DescribeSecret",
  ...svc("ssm", [
    "GetParameter",
    "GetParameters",
    "GetParametersByPath",
    // AmazonSSMManagedInstanceCore: the agent on the DCV instances.
    "DescribeAssociation",
    "GetDeployablePatchSnapshotForInstance",
    "GetDocument",
    "DescribeDocument",
    "GetManifest",
    "ListAssociations",
    "ListInstanceAssociations",
    "PutInventory",
    "PutComplianceItems",
    "PutConfigurePackageResult",
    "UpdateAssociationStatus",
    "UpdateInstanceAssociationStatus",
    "UpdateInstanceInformation",
  ]),
  ...svc("ssmmessages", [
    "CreateControlChannel",
    "CreateDataChannel",
    "OpenControlChannel",
    "OpenDataChannel",
  ]),
  ...svc("ec2messages", [
    "AcknowledgeMessage",
    "DeleteMessage",
    "FailMessage",
    "GetEndpoint",
    "GetMessages",
    "SendReply",
  ]),
  "kms:Decrypt",
  "kms:GenerateDataKey",
  "kms:DescribeKey",
  "rds-db:connect",
  "cloudwatch:PutMetricData",
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
  // AmazonECSInfrastructureRolePolicyForLoadBalancers: blue/green traffic shifts.
  ...svc("elasticloadbalancing", [
    "DescribeListeners",
    "DescribeRules",
    "DescribeTargetGroups",
    "DescribeTargetHealth",
    "ModifyListener",
    "ModifyRule",
    "RegisterTargets",
    "DeregisterTargets",
  ]),
  "ec2:DescribeInstances",
  "ec2:DescribeTags",
];

/** What the production deny list refuses CI and every role it creates. */
export const PRODUCTION_DATA_DELETION = [
  "rds:DeleteDBCluster",
  "rds:DeleteDBInstance",
  "rds:DeleteDBClusterSnapshot",
  "rds:DeleteDBSnapshot",
  "rds:DeleteGlobalCluster",
  "kms:ScheduleKeyDeletion",
  "kms:DisableKey",
];

/**
 * In production nobody acting for CI deletes data: not the database, not its snapshots, not
 * the keys without which snapshots and backups are unreadable. Aurora readers (`<db>-<n>`) stay
 * deletable, the single RDS instance `<db>` does not. A person with their own credentials does
 * it deliberately, after turning protection off in a reviewed change.
 */
export function productionDataStatements(s: DeployScope): Statement[] {
  if (!s.production) return [];
  const arn = arns(s);
  return [
    deny(
      "NoProductionDataDeletion",
      PRODUCTION_DATA_DELETION.filter((a) => a !== "rds:DeleteDBInstance"),
      ["*"],
    ),
    deny(
      "NoProductionInstanceDeletion",
      ["rds:DeleteDBInstance"],
      [arn.regional("rds", `db:${s.prefix}-db`)],
    ),
  ];
}

/**
 * The permissions boundary every role the deploy role creates must carry: the workloads'
 * run-time actions and the permissions config declares, never IAM, never the state bucket or
 * key, never production data deletion. A role minted by CI therefore cannot do more than the
 * platform's workloads already may, so CI cannot escalate through it.
 */
export function boundaryStatements(
  s: DeployScope,
  state:
    | {
        readonly bucketArn: string;
        readonly key?: { readonly resources: string[]; readonly condition?: Condition[] };
      }
    | undefined,
  declared: readonly DeclaredPermission[],
): Statement[] {
  const statements: Statement[] = [
    allow("Workloads", WORKLOAD_ACTIONS, ["*"]),
    // DCV servers on EC2 read their licence from AWS's regional bucket.
    allow("DcvLicence", ["s3:GetObject"], [arns(s).bare("s3", "dcv-license.*/*")]),
    // DCV gateways store the fleet's self-signed certificate (first writer wins).
    allow(
      "DcvGatewayTls",
      ["secretsmanager:PutSecretValue"],
      [arns(s).regional("secretsmanager", `secret:${s.prefix}-dcv-gateway-tls-*`)],
    ),
    // Log routers: the first pull through the cache imports the image into a new repository;
    // a router reads its configuration object and archives under its prefix of the log bucket.
    allow(
      "LogRouterImage",
      ["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"],
      [arns(s).regional("ecr", "repository/*/aws-observability/aws-for-fluent-bit")],
    ),
    allow(
      "LogRouterConfig",
      ["s3:GetObject", "s3:GetBucketLocation"],
      [arns(s).bare("s3", `${s.prefix}-log-router-*`)],
    ),
    allow("LogArchive", ["s3:PutObject"], [arns(s).bare("s3", `${s.prefix}-logs-*/*`)]),
    ...declared.map((d, i) => allow(`Declared${i + 1}`, d.actions, d.resources)),
    // Workloads never read the RDS-managed master secrets (each service has its own identity).
    deny(
      "NoMasterSecrets",
      ["secretsmanager:GetSecretValue"],
      [arns(s).regional("secretsmanager", "secret:rds!*")],
    ),
    deny(
      "NoIdentityChanges",
      ["iam:*", "organizations:*", "account:*", "sts:AssumeRoleWithWebIdentity"],
      ["*"],
    ),
    ...(state === undefined
      ? []
      : [deny("NoState", ["s3:*"], [state.bucketArn, `${state.bucketArn}/*`])]),
    ...productionDataStatements(s),
  ];
  if (state?.key !== undefined) {
    statements.push(deny("NoStateKey", ["kms:*"], state.key.resources, state.key.condition));
  }
  return statements;
}
