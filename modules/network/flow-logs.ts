import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { serviceRole } from "../../lib/iam";
import type { Names } from "../../lib/names";
import type { LogRetentionDays } from "../../lib/log-retention";

/**
 * Flow log settings as config/schema.ts resolves them (`network.flowLogs`, whose defaults live
 * there only).
 */
export interface FlowLogsOptions {
  /** Days CloudWatch Logs keeps flow records. */
  readonly retentionDays: LogRetentionDays;
  /** Which traffic to record. */
  readonly trafficType: "ALL" | "ACCEPT" | "REJECT";
  /** Aggregation window in seconds. */
  readonly maxAggregationInterval: 60 | 600;
  /**
   * KMS key ARN for the log group.
   * @default none (CloudWatch Logs' service-managed encryption)
   */
  readonly kmsKeyArn?: string;
}

export interface VpcFlowLogsProps extends FlowLogsOptions {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** VPC to record. */
  readonly vpcId: string;
  /** Account that owns the VPC; pins the role's trust to this account's flow logs. */
  readonly account: string;
  /** Partition-qualified ARN prefix parts, e.g. `aws`. */
  readonly partition: string;
  /** Region of the VPC. */
  readonly region: string;
}

/** VPC flow logs to a retention-managed log group through a role only flow logs can assume. */
export class VpcFlowLogs extends Construct {
  readonly logGroup: CloudwatchLogGroup;
  readonly role: IamRole;
  readonly flowLog: FlowLog;

  constructor(scope: Construct, id: string, props: VpcFlowLogsProps) {
    super(scope, id);
    const { names } = props;

    this.logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: names.logGroup("vpc", "flow-logs"),
      retentionInDays: props.retentionDays,
      kmsKeyId: props.kmsKeyArn,
      tags: names.nameTag("vpc-flow-logs"),
    });

    this.role = serviceRole(this, "role", {
      names,
      purpose: "vpc-flow-logs",
      servicePrincipal: "vpc-flow-logs.amazonaws.com",
      sourceAccount: props.account,
      conditions: [
        {
          test: "ArnLike",
          variable: "aws:SourceArn",
          values: [`arn:${props.partition}:ec2:${props.region}:${props.account}:vpc-flow-log/*`],
        },
      ],
    });
    const write = new DataAwsIamPolicyDocument(this, "write", {
      statement: [
        {
          effect: "Allow",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          resources: [`${this.logGroup.arn}:*`],
        },
      ],
    });
    new IamRolePolicy(this, "write-policy", {
      role: this.role.id,
      name: "write-flow-logs",
      policy: write.json,
    });

    this.flowLog = new FlowLog(this, "flow-log", {
      vpcId: props.vpcId,
      trafficType: props.trafficType,
      logDestinationType: "cloud-watch-logs",
      logDestination: this.logGroup.arn,
      iamRoleArn: this.role.arn,
      maxAggregationInterval: props.maxAggregationInterval,
      tags: names.nameTag("vpc-flow-logs"),
    });
  }
}
