import { Construct } from "constructs";
import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { Names } from "../../lib/names";
import type { IamStatementSettings } from "./settings";

export interface ServiceRolesProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** Service name. */
  readonly service: string;
  /** Account whose ECS may assume the roles. */
  readonly account: string;
  /** Region (for kms:ViaService). */
  readonly region: string;
  /**
   * ECR repository ARN the execution role may pull from.
   * @default none (an external image)
   */
  readonly repositoryArn?: string;
  /** Log group ARN the container logs go to. */
  readonly logGroupArn: string;
  /** Secrets Manager secret ARNs injected at start. */
  readonly secretArns: readonly string[];
  /** SSM parameter ARNs injected at start. */
  readonly parameterArns: readonly string[];
  /** KMS keys that encrypt injected secrets (decrypt through Secrets Manager only). */
  readonly secretKeyArns: readonly string[];
  /**
   * `rds-db:connect` ARNs the application may use (IAM database authentication).
   * @default []
   */
  readonly databaseConnectArns?: readonly string[];
  /** What the application may call. */
  readonly taskPermissions: readonly IamStatementSettings[];
  /**
   * ECS Exec: the SSM channel and the exec log group.
   * @default no ECS Exec
   */
  readonly exec?: { readonly logGroupArn: string };
  /**
   * The FireLens log router: pulling its image (through the cache), its own log group, and
   * what it does as the task (read its configuration, archive, write error lines).
   * @default none
   */
  readonly logRouter?: ServiceRolesLogRouter;
}

/** What a service's log router needs of its roles. */
export interface ServiceRolesLogRouter {
  /** The router's private ECR repository, when its image comes from one. */
  readonly repositoryArn?: string;
  /** The repository is a pull-through cache: the first pull imports and creates it. */
  readonly pullThrough: boolean;
  /** The router's own log group (awslogs). */
  readonly logGroupArn: string;
  /** The generated configuration object. */
  readonly configObjectArn: string;
  /** Its bucket (the init process asks for the bucket's region). */
  readonly configBucketArn: string;
  /** `<log bucket ARN>/<prefix>/<service>/*`. */
  readonly archiveArn: string;
  /** The service's log group with `:*` (its streams). */
  readonly errorLogGroupArn: string;
}

/**
 * The execution role (what ECS needs to start the task: pull, logs, exactly the injected
 * secrets) and the task role (what the application declared, nothing else), kept apart.
 */
export class ServiceRoles extends Construct {
  readonly executionRole: IamRole;
  readonly taskRole: IamRole;
  /**
   * The roles' inline policies: the service waits for them, or its first tasks could start
   * before IAM grants the pull, the log writes and the router's configuration read.
   */
  readonly policies: IamRolePolicy[] = [];

  constructor(scope: Construct, id: string, props: ServiceRolesProps) {
    super(scope, id);
    const { names } = props;
    const trust = new DataAwsIamPolicyDocument(this, "trust", {
      statement: [
        {
          effect: "Allow",
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["ecs-tasks.amazonaws.com"] }],
          condition: [
            { test: "StringEquals", variable: "aws:SourceAccount", values: [props.account] },
          ],
        },
      ],
    });

    const execution: DataAwsIamPolicyDocumentStatement[] = [
      {
        sid: "Logs",
        effect: "Allow",
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [
          `${props.logGroupArn}:*`,
          ...(props.logRouter === undefined ? [] : [`${props.logRouter.logGroupArn}:*`]),
        ],
      },
    ];
    const router = props.logRouter;
    if (props.repositoryArn !== undefined || router?.repositoryArn !== undefined) {
      // GetAuthorizationToken has no resource-level permissions: AWS requires "*".
      execution.push({
        sid: "EcrAuth",
        effect: "Allow",
        actions: ["ecr:GetAuthorizationToken"],
        resources: ["*"],
      });
    }
    if (props.repositoryArn !== undefined) {
      execution.push({
        sid: "EcrPull",
        effect: "Allow",
        actions: [
          "ecr:BatchCheckLayerAvailability",
          "ecr:GetDownloadUrlForLayer",
          "ecr:BatchGetImage",
        ],
        resources: [props.repositoryArn],
      });
    }
    if (router?.repositoryArn !== undefined) {
      execution.push({
        sid: "LogRouterPull",
        effect: "Allow",
        actions: [
          "ecr:BatchCheckLayerAvailability",
          "ecr:GetDownloadUrlForLayer",
          "ecr:BatchGetImage",
          // The first pull through the cache imports the image into a new repository.
          ...(router.pullThrough ? ["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"] : []),
        ],
        resources: [router.repositoryArn],
      });
    }
    if (props.secretArns.length > 0) {
      execution.push({
        sid: "Secrets",
        effect: "Allow",
        actions: ["secretsmanager:GetSecretValue"],
        resources: [...props.secretArns],
      });
    }
    if (props.parameterArns.length > 0) {
      execution.push({
        sid: "Parameters",
        effect: "Allow",
        actions: ["ssm:GetParameters"],
        resources: [...props.parameterArns],
      });
    }
    if (props.secretKeyArns.length > 0) {
      execution.push({
        sid: "DecryptSecrets",
        effect: "Allow",
        actions: ["kms:Decrypt"],
        resources: [...props.secretKeyArns],
        condition: [
          {
            test: "StringEquals",
            variable: "kms:ViaService",
            values: [`secretsmanager.${props.region}.amazonaws.com`],
          },
        ],
      });
    }
    this.executionRole = this.role(
      names,
      "execution",
      `${props.service}-exec`,
      trust.json,
      execution,
    );

    const task: DataAwsIamPolicyDocumentStatement[] = props.taskPermissions.map((st) => ({
      effect: "Allow",
      actions: [...st.actions],
      resources: [...st.resources],
    }));
    const connect = props.databaseConnectArns ?? [];
    if (connect.length > 0) {
      task.push({
        sid: "DatabaseConnect",
        effect: "Allow",
        actions: ["rds-db:connect"],
        resources: [...connect],
      });
    }
    if (router !== undefined) {
      task.push(
        {
          sid: "LogRouterConfig",
          effect: "Allow",
          actions: ["s3:GetObject"],
          resources: [router.configObjectArn],
        },
        {
          sid: "LogRouterConfigBucket",
          effect: "Allow",
          actions: ["s3:GetBucketLocation"],
          resources: [router.configBucketArn],
        },
        {
          sid: "LogArchive",
          effect: "Allow",
          actions: ["s3:PutObject"],
          resources: [router.archiveArn],
        },
        {
          sid: "ErrorLogs",
          effect: "Allow",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [router.errorLogGroupArn],
        },
      );
    }
    if (props.exec !== undefined) {
      // The SSM message channel has no resource-level permissions: AWS requires "*".
      task.push({
        sid: "EcsExecChannel",
        effect: "Allow",
        actions: [
          "ssmmessages:CreateControlChannel",
          "ssmmessages:CreateDataChannel",
          "ssmmessages:OpenControlChannel",
          "ssmmessages:OpenDataChannel",
        ],
        resources: ["*"],
      });
      task.push({
        sid: "EcsExecLogs",
        effect: "Allow",
        actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        resources: [`${props.exec.logGroupArn}:*`],
      });
      task.push({
        sid: "EcsExecLogGroups",
        effect: "Allow",
        actions: ["logs:DescribeLogGroups"],
        resources: ["*"],
      });
    }
    this.taskRole = this.role(names, "task", `${props.service}-task`, trust.json, task);
  }

  private role(
    names: Names,
    id: string,
    purpose: string,
    trust: string,
    statements: DataAwsIamPolicyDocumentStatement[],
  ): IamRole {
    const role = new IamRole(this, id, {
      name: names.physical(purpose, { maxLength: 64 }),
      assumeRolePolicy: trust,
      tags: names.nameTag(purpose),
    });
    if (statements.length > 0) {
      const doc = new DataAwsIamPolicyDocument(this, `${id}-document`, { statement: statements });
      this.policies.push(
        new IamRolePolicy(this, `${id}-policy`, { role: role.id, name: purpose, policy: doc.json }),
      );
    }
    return role;
  }
}
