import { Construct } from "constructs";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import type { Names } from "../../lib/names";

export interface MonitoringRoleProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** ARN partition, e.g. `aws`. */
  readonly partition: string;
  /** Account whose RDS may assume the role. */
  readonly account: string;
}

/** The role RDS enhanced monitoring publishes OS metrics with. */
export class MonitoringRole extends Construct {
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: MonitoringRoleProps) {
    super(scope, id);
    const trust = new DataAwsIamPolicyDocument(this, "trust", {
      statement: [
        {
          effect: "Allow",
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["monitoring.rds.amazonaws.com"] }],
          condition: [
            { test: "StringEquals", variable: "aws:SourceAccount", values: [props.account] },
          ],
        },
      ],
    });
    this.role = new IamRole(this, "role", {
      name: props.names.physical("db-monitoring", { maxLength: 64 }),
      assumeRolePolicy: trust.json,
      tags: props.names.nameTag("db-monitoring"),
    });
    new IamRolePolicyAttachment(this, "policy", {
      role: this.role.name,
      policyArn: `arn:${props.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole`,
    });
  }
}
