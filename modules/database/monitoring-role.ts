import { Construct } from "constructs";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { serviceRole } from "../../lib/iam";
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
    this.role = serviceRole(this, "role", {
      names: props.names,
      purpose: "db-monitoring",
      servicePrincipal: "monitoring.rds.amazonaws.com",
      sourceAccount: props.account,
    });
    new IamRolePolicyAttachment(this, "policy", {
      role: this.role.name,
      policyArn: `arn:${props.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole`,
    });
  }
}
