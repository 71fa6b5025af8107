import type { Construct } from "constructs";
import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement,
  type DataAwsIamPolicyDocumentStatementCondition,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import type { Names } from "./names";

export interface ServiceRoleProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** Purpose, the role's name after the `<project>-<env>-` prefix. */
  readonly purpose: string;
  /** The AWS service that assumes the role, e.g. `ecs-tasks.amazonaws.com`. */
  readonly servicePrincipal: string;
  /**
   * Confused-deputy guard: only this account's service may assume the role.
   * @default no condition
   */
  readonly sourceAccount?: string;
  /**
   * Further trust conditions (e.g. `aws:SourceArn`).
   * @default []
   */
  readonly conditions?: readonly DataAwsIamPolicyDocumentStatementCondition[];
}

/**
 * An IAM role only one AWS service may assume. Its trust document and the role are created in
 * `scope` as `trust` and `roleId`, the ids every role of the platform has always had.
 */
export function serviceRole(scope: Construct, roleId: string, props: ServiceRoleProps): IamRole {
  const conditions: DataAwsIamPolicyDocumentStatementCondition[] = [
    ...(props.sourceAccount === undefined
      ? []
      : [{ test: "StringEquals", variable: "aws:SourceAccount", values: [props.sourceAccount] }]),
    ...(props.conditions ?? []),
  ];
  const trust = new DataAwsIamPolicyDocument(scope, "trust", {
    statement: [
      {
        effect: "Allow",
        actions: ["sts:AssumeRole"],
        principals: [{ type: "Service", identifiers: [props.servicePrincipal] }],
        condition: conditions.length > 0 ? conditions : undefined,
      },
    ],
  });
  return new IamRole(scope, roleId, {
    name: props.names.physical(props.purpose, { maxLength: 64 }),
    assumeRolePolicy: trust.json,
    tags: props.names.nameTag(props.purpose),
  });
}

/**
 * The key-policy statement that keeps a customer managed KMS key administrable by the account
 * (IAM policies decide who may use it); without it a key can lock out everyone but its
 * creator.
 */
export function accountAdministersKey(
  partition: string,
  account: string,
): DataAwsIamPolicyDocumentStatement {
  return {
    sid: "AccountAdministers",
    effect: "Allow",
    actions: ["kms:*"],
    resources: ["*"],
    principals: [{ type: "AWS", identifiers: [`arn:${partition}:iam::${account}:root`] }],
  };
}
