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
 * IAM for the project's own roles, instance profiles and policies (`<prefix>-*`). Whoever may
 * write a role's policies holds every permission that role could get, so:
 * the CI identity itself is out of reach (explicit deny), and with a permissions boundary every
 * role CI creates or changes must carry it, and nothing may remove it.
 */
export function identityStatements(s: DeployScope): Statement[] {
  const arn = arns(s);
  const role = arn.global("iam", `role/${s.prefix}-*`);
  const changesPermissions = svc("iam", [
    "CreateRole",
    "PutRolePolicy",
    "DeleteRolePolicy",
    "AttachRolePolicy",
    "DetachRolePolicy",
  ]);
  const roleActions = svc("iam", [
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
    "PassRole",
  ]);
  const boundary = s.permissionsBoundaryArn;
  const roles: Statement[] =
    boundary === undefined
      ? [allow("IamRoles", [...changesPermissions, ...roleActions], [role])]
      : [
          allow("IamRoles", roleActions, [role]),
          allow(
            "IamRolePermissionsWithinBoundary",
            [...changesPermissions, "iam:PutRolePermissionsBoundary"],
            [role],
            [{ test: "StringEquals", variable: "iam:PermissionsBoundary", values: [boundary] }],
          ),
          deny("KeepBoundary", ["iam:DeleteRolePermissionsBoundary"], [role]),
          deny(
            "ProtectBoundaryPolicy",
            svc("iam", [
              "CreatePolicyVersion",
              "DeletePolicy",
              "DeletePolicyVersion",
              "SetDefaultPolicyVersion",
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
        "PassRole",
        "UpdateRoleDescription",
        "TagRole",
        "UntagRole",
        "DeleteServiceLinkedRole",
        "GetServiceLinkedRoleDeletionStatus",
      ]),
      [arn.global("iam", "role/aws-service-role/config.amazonaws.com/*")],
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
      [
        arn.global("iam", `role/${s.ciNamePrefix}*`),
        arn.global("iam", `policy/${s.ciNamePrefix}*`),
      ],
    ),
  ];
}
