import type { IAspect } from "cdktf";
import type { IConstruct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";

/**
 * Puts the environment's permissions boundary on every IAM role of a stack, whichever module
 * made it: the deploy role may create and change roles only with this boundary
 * (`iam:PermissionsBoundary`), so a role without it would fail to apply, and a module that
 * forgot it cannot open a way around it.
 */
export class PermissionsBoundaryAspect implements IAspect {
  constructor(private readonly boundaryArn: string) {}

  visit(node: IConstruct): void {
    if (node instanceof IamRole) node.permissionsBoundary = this.boundaryArn;
  }
}
