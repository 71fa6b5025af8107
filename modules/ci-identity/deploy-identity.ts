import { allow, arns, deny, svc, type Condition, type DeployScope, type Statement } from "./scope";

/** Services whose service-linked roles appear the first time the platform uses them. */
const SERVICE_LINKED = [
  "autoscaling.amazonaws.com",
  "config.amazonaws.com",
  "ecs.amazonaws.com",
  "ecs.application-autoscaling.amazonaws.com",
  "elasticloadbalancing.amazonaws.com",
  "guardduty.amazonaws.com",
  "malware-protection.guardduty.amazonaws.com",
  "rds.amazonaws.com",
  "rds.application-autoscaling.amazonaws.com",
];

/**
 * Services the deploy role may hand the project's roles to (`iam:PassedToService`): ECS tasks,
 * ECS itself (the blue/green load-balancer role), EC2 (the DCV instance profiles), RDS
 * enhanced monitoring and VPC flow logs. Passing a role to anything else (Lambda, CodeBuild,
 * EC2 outside a profile...) would run code with it that nobody reviewed.
 */
export const PASS_ROLE_SERVICES = [
  "ecs-tasks.amazonaws.com",
  "ecs.amazonaws.com",
  "ec2.amazonaws.com",
  "monitoring.rds.amazonaws.com",
  "vpc-flow-logs.amazonaws.com",
];

/**
 * IAM for the project's own roles, instance profiles and policies (`<prefix>-*`). Whoever may
 * write a role's policies holds every permission that role could get, so every role CI creates
 * or changes must carry the permissions boundary (`iam:PermissionsBoundary`), nothing may
 * remove it or change the boundary policy, roles go only to the project's services, and the CI
 * identities themselves are out of reach (explicit deny).
 */
export function identityStatements(s: DeployScope): Statement[] {
  const arn = arns(s);
  const role = arn.global("iam", `role/${s.prefix}-*`);
  const boundary = s.permissionsBoundaryArn;
  const roles: Statement[] = [
    allow(
      "IamRoles",
      svc("iam", [
        "DeleteRole",
        "GetRole",
        "UpdateRole",
        "UpdateRoleDescription",
        "UpdateAssumeRolePolicy",
        "TagRole",
        "UntagRole",
        "ListRoleTags",
        "GetRolePolicy",
        "ListRolePolicies",
        "ListAttachedRolePolicies",
        "ListInstanceProfilesForRole",
      ]),
      [role],
    ),
    allow(
      "IamRolePermissionsWithinBoundary",
      svc("iam", [
        "CreateRole",
        "PutRolePolicy",
        "DeleteRolePolicy",
        "AttachRolePolicy",
        "DetachRolePolicy",
        "PutRolePermissionsBoundary",
      ]),
      [role],
      [{ test: "StringEquals", variable: "iam:PermissionsBoundary", values: [boundary] }],
    ),
    allow(
      "PassRoleToPlatformServices",
      ["iam:PassRole"],
      [role],
      [{ test: "StringEquals", variable: "iam:PassedToService", values: PASS_ROLE_SERVICES }],
    ),
    deny("KeepBoundary", ["iam:DeleteRolePermissionsBoundary"], [role]),
    deny(
      "ProtectBoundaryPolicy",
      svc("iam", [
        "CreatePolicyVersion",
        "DeletePolicy",
        "DeletePolicyVersion",
        "SetDefaultPolicyVersion",
        "TagPolicy",
        "UntagPolicy",
      ]),
      [boundary],
    ),
  ];
  const serviceLinked: Condition = {
    test: "StringEquals",
    variable: "iam:AWSServiceName",
    values: SERVICE_LINKED,
  };
  return [
    ...roles,
    allow(
      "IamInstanceProfiles",
      svc("iam", [
        "CreateInstanceProfile",
        "DeleteInstanceProfile",
        "GetInstanceProfile",
        "AddRoleToInstanceProfile",
        "RemoveRoleFromInstanceProfile",
        "TagInstanceProfile",
        "UntagInstanceProfile",
        "ListInstanceProfileTags",
      ]),
      [arn.global("iam", `instance-profile/${s.prefix}-*`)],
    ),
    allow(
      "IamPolicies",
      svc("iam", [
        "CreatePolicy",
        "DeletePolicy",
        "GetPolicy",
        "GetPolicyVersion",
        "ListPolicyVersions",
        "CreatePolicyVersion",
        "DeletePolicyVersion",
        "TagPolicy",
        "UntagPolicy",
        "ListPolicyTags",
      ]),
      [arn.global("iam", `policy/${s.prefix}-*`)],
    ),
    allow(
      "ServiceLinkedRoles",
      ["iam:CreateServiceLinkedRole"],
      [arn.global("iam", "role/aws-service-role/*")],
      [serviceLinked],
    ),
    allow(
      // AccountSecurity owns AWS Config's service-linked role and passes it to the recorder.
      "ConfigServiceLinkedRole",
      svc("iam", [
        "GetRole",
        "UpdateRoleDescription",
        "TagRole",
        "UntagRole",
        "DeleteServiceLinkedRole",
        "GetServiceLinkedRoleDeletionStatus",
      ]),
      [arn.global("iam", "role/aws-service-role/config.amazonaws.com/*")],
    ),
    allow(
      "PassConfigServiceLinkedRole",
      ["iam:PassRole"],
      [arn.global("iam", "role/aws-service-role/config.amazonaws.com/*")],
      [{ test: "StringEquals", variable: "iam:PassedToService", values: ["config.amazonaws.com"] }],
    ),
    deny(
      "ProtectCiIdentity",
      [
        "iam:Attach*",
        "iam:Create*",
        "iam:Delete*",
        "iam:Detach*",
        "iam:PassRole",
        "iam:Put*",
        "iam:Set*",
        "iam:Tag*",
        "iam:Untag*",
        "iam:Update*",
      ],
      s.ciNamePrefixes.flatMap((p) => [
        arn.global("iam", `role/${p}*`),
        arn.global("iam", `policy/${p}*`),
      ]),
    ),
  ];
}
