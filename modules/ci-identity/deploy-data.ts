import { productionDataStatements } from "./boundary";
import { allow, arns, inRegion, projectTags, svc, type DeployScope, type Statement } from "./scope";

/** RDS, the RDS-managed master secrets, and the environment's KMS keys. */
export function dataStatements(s: DeployScope): Statement[] {
  const arn = arns(s);
  const rds = (type: string) => arn.regional("rds", `${type}:${s.prefix}-*`);
  return [
    allow(
      "RdsManage",
      svc("rds", [
        "CreateDBInstance",
        "ModifyDBInstance",
        "DeleteDBInstance",
        "RebootDBInstance",
        "CreateDBCluster",
        "ModifyDBCluster",
        "DeleteDBCluster",
        "CreateDBParameterGroup",
        "ModifyDBParameterGroup",
        "DeleteDBParameterGroup",
        "CreateDBClusterParameterGroup",
        "ModifyDBClusterParameterGroup",
        "DeleteDBClusterParameterGroup",
        "CreateDBSubnetGroup",
        "ModifyDBSubnetGroup",
        "DeleteDBSubnetGroup",
        "CreateDBSnapshot",
        "CreateDBClusterSnapshot",
        "AddTagsToResource",
        "RemoveTagsFromResource",
      ]),
      [
        ...["db", "cluster", "pg", "cluster-pg", "subgrp", "snapshot", "cluster-snapshot"].map(rds),
        // Instances always reference the engine's default option group.
        arn.regional("rds", "og:default:*"),
      ],
    ),
    allow(
      // RDS creates and rotates the master secret with the caller's permissions.
      "RdsMasterSecrets",
      svc("secretsmanager", [
        "CreateSecret",
        "DeleteSecret",
        "DescribeSecret",
        "UpdateSecret",
        "RotateSecret",
        "PutSecretValue",
        "TagResource",
        "UntagResource",
      ]),
      [arn.regional("secretsmanager", "secret:rds!*")],
    ),
    allow("KmsCreate", ["kms:CreateKey"], ["*"], [inRegion(s), ...projectTags(s, "Request")]),
    allow(
      "KmsManage",
      svc("kms", [
        "DescribeKey",
        "GetKeyPolicy",
        "GetKeyRotationStatus",
        "ListResourceTags",
        "PutKeyPolicy",
        "EnableKeyRotation",
        "UpdateKeyDescription",
        "ScheduleKeyDeletion",
        "TagResource",
        "UntagResource",
        "CreateAlias",
        "DeleteAlias",
        "UpdateAlias",
      ]),
      [arn.regional("kms", "key/*")],
      projectTags(s, "Resource"),
    ),
    allow(
      "KmsAliases",
      ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"],
      [arn.regional("kms", `alias/${s.prefix}-*`)],
    ),
    allow(
      // Storage encryption and the master secret: RDS and Secrets Manager use the key for us.
      "KmsUseViaRds",
      ["kms:CreateGrant", "kms:Decrypt", "kms:GenerateDataKey"],
      [arn.regional("kms", "key/*")],
      [
        ...projectTags(s, "Resource"),
        {
          test: "StringEquals",
          variable: "kms:ViaService",
          values: [`rds.${s.region}.amazonaws.com`, `secretsmanager.${s.region}.amazonaws.com`],
        },
      ],
    ),
    allow(
      "DataRegionWide",
      ["rds:Describe*", "rds:ListTagsForResource", "kms:ListAliases"],
      ["*"],
      [inRegion(s)],
    ),
    ...productionDataStatements(s),
  ];
}
