import { Construct } from "constructs";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { serviceRole } from "../../lib/iam";
import type { Names } from "../../lib/names";

export interface BlueGreenRoleProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** ARN partition. */
  readonly partition: string;
}

/** The role ECS assumes to move listener-rule weights during a blue/green deployment. */
export class BlueGreenRole extends Construct {
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: BlueGreenRoleProps) {
    super(scope, id);
    this.role = serviceRole(this, "role", {
      names: props.names,
      purpose: "ecs-blue-green",
      // AWS documents this trust without conditions; ECS may not send aws:SourceAccount here.
      servicePrincipal: "ecs.amazonaws.com",
    });
    new IamRolePolicyAttachment(this, "policy", {
      role: this.role.name,
      policyArn: `arn:${props.partition}:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers`,
    });
  }
}
