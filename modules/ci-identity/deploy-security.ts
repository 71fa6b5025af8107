import { allow, arns, inRegion, svc, type DeployScope, type Statement } from "./scope";

/** GuardDuty, AWS Config, certificates, DNS records and the project's own buckets. */
export function securityAndEdgeStatements(s: DeployScope): Statement[] {
  const arn = arns(s);
  const bucket = arn.bare("s3", `${s.prefix}-*`);
  return [
    allow(
      "GuardDuty",
      svc("guardduty", [
        "GetDetector",
        "UpdateDetector",
        "DeleteDetector",
        "TagResource",
        "UntagResource",
        "ListTagsForResource",
      ]),
      [arn.regional("guardduty", "detector/*")],
    ),
    allow(
      "ConfigRecorder",
      svc("config", [
        "PutConfigurationRecorder",
        "DeleteConfigurationRecorder",
        "StartConfigurationRecorder",
        "StopConfigurationRecorder",
        "TagResource",
        "UntagResource",
        "ListTagsForResource",
      ]),
      [arn.regional("config", "configuration-recorder/*")],
    ),
    allow(
      "ConfigRules",
      svc("config", [
        "PutConfigRule",
        "DeleteConfigRule",
        "TagResource",
        "UntagResource",
        "ListTagsForResource",
      ]),
      [arn.regional("config", "config-rule/*")],
    ),
    allow(
      "Certificates",
      svc("acm", [
        "DescribeCertificate",
        "DeleteCertificate",
        "AddTagsToCertificate",
        "RemoveTagsFromCertificate",
        "ListTagsForCertificate",
      ]),
      [arn.regional("acm", "certificate/*")],
    ),
    allow(
      "DnsRecords",
      svc("route53", [
        "ChangeResourceRecordSets",
        "ListResourceRecordSets",
        "GetHostedZone",
        "ListTagsForResource",
      ]),
      [arn.bare("route53", "hostedzone/*")],
    ),
    allow("DnsChanges", ["route53:GetChange"], [arn.bare("route53", "change/*")]),
    // Route 53 is global: its calls never carry this region, so no region condition.
    allow("DnsZones", ["route53:ListHostedZones", "route53:ListHostedZonesByName"], ["*"]),
    allow(
      "Buckets",
      [
        "s3:CreateBucket",
        "s3:DeleteBucket",
        "s3:ListBucket",
        "s3:GetBucket*",
        "s3:GetAccelerateConfiguration",
        "s3:GetEncryptionConfiguration",
        "s3:GetLifecycleConfiguration",
        "s3:GetReplicationConfiguration",
        "s3:PutBucketOwnershipControls",
        "s3:PutBucketPolicy",
        "s3:DeleteBucketPolicy",
        "s3:PutBucketPublicAccessBlock",
        "s3:PutBucketTagging",
        "s3:PutBucketVersioning",
        "s3:PutEncryptionConfiguration",
        "s3:PutLifecycleConfiguration",
        "s3:ListBucketVersions",
      ],
      [bucket],
    ),
    allow(
      // The log routers' generated configurations, written by Terraform.
      "LogRouterConfigObjects",
      svc("s3", [
        "PutObject",
        "GetObject",
        "GetObjectVersion",
        "DeleteObject",
        "DeleteObjectVersion",
        "GetObjectTagging",
        "PutObjectTagging",
      ]),
      [arn.bare("s3", `${s.prefix}-log-router-*/*`)],
    ),
    allow(
      "SecurityRegionWide",
      [
        "guardduty:CreateDetector",
        "guardduty:ListDetectors",
        "config:PutDeliveryChannel",
        "config:DeleteDeliveryChannel",
        "config:Describe*",
        "acm:RequestCertificate",
        "acm:ListCertificates",
      ],
      ["*"],
      [inRegion(s)],
    ),
  ];
}
