import { Construct } from "constructs";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import type { Names } from "../../lib/names";

export interface BlueGreenRoleProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** ARN partition. */
  readonly partition: string;
  /** Account whose ECS may assume the role. */
  readonly account: string;
}

/** The role ECS assumes to move listener-rule weights during a blue/green deployment. */
export class BlueGreenRole extends Construct {
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: BlueGreenRoleProps) {
    super(scope, id);
    const trust = new DataAwsIamPolicyDocument(this, "trust", {
      statement: [
        {
          effect: "Allow",
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["ecs.amazonaws.com"] }],
          condition: [
            { test: "StringEquals", variable: "aws:SourceAccount", values: [props.account] },
          ],
        },
      ],
    });
    this.role = new IamRole(this, "role", {
      name: props.names.physical("ecs-blue-green", { maxLength: 64 }),
      assumeRolePolicy: trust.json,
      tags: props.names.nameTag("ecs-blue-green"),
    });
    new IamRolePolicyAttachment(this, "policy", {
      role: this.role.name,
      policyArn: `arn:${props.partition}:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers`,
    });
  }
}
