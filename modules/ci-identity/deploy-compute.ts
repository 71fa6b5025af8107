import { allow, arns, inRegion, svc, type DeployScope, type Statement } from "./scope";

/** ECS, ECR, the DCV Auto Scaling group, service/reader autoscaling, AMI parameters. */
export function computeStatements(s: DeployScope): Statement[] {
  const arn = arns(s);
  return [
    allow(
      "EcsManage",
      svc("ecs", [
        "CreateCluster",
        "DeleteCluster",
        "UpdateCluster",
        "UpdateClusterSettings",
        "PutClusterCapacityProviders",
        "CreateService",
        "UpdateService",
        "DeleteService",
        "RegisterTaskDefinition",
        "TagResource",
        "UntagResource",
      ]),
      [
        arn.regional("ecs", `cluster/${s.prefix}-*`),
        arn.regional("ecs", `service/${s.prefix}-*/*`),
        arn.regional("ecs", `task-definition/${s.prefix}-*:*`),
      ],
    ),
    allow(
      "EcrManage",
      svc("ecr", [
        "CreateRepository",
        "DeleteRepository",
        "PutLifecyclePolicy",
        "GetLifecyclePolicy",
        "DeleteLifecyclePolicy",
        "PutImageScanningConfiguration",
        "PutImageTagMutability",
        "SetRepositoryPolicy",
        "GetRepositoryPolicy",
        "DeleteRepositoryPolicy",
        "TagResource",
        "UntagResource",
        "ListTagsForResource",
      ]),
      [
        arn.regional("ecr", `repository/${s.prefix}/*`),
        arn.regional("ecr", `repository/${s.prefix}-*`),
      ],
    ),
    allow(
      "AutoScalingManage",
      svc("autoscaling", [
        "CreateAutoScalingGroup",
        "UpdateAutoScalingGroup",
        "DeleteAutoScalingGroup",
        "StartInstanceRefresh",
        "CancelInstanceRefresh",
        "CreateOrUpdateTags",
        "DeleteTags",
        "AttachTrafficSources",
        "DetachTrafficSources",
        "AttachLoadBalancerTargetGroups",
        "DetachLoadBalancerTargetGroups",
        "EnableMetricsCollection",
        "DisableMetricsCollection",
        "SuspendProcesses",
        "ResumeProcesses",
      ]),
      [arn.regional("autoscaling", `autoScalingGroup:*:autoScalingGroupName/${s.prefix}-*`)],
    ),
    allow(
      // ECS services and Aurora readers only.
      "ScalingPolicies",
      svc("application-autoscaling", [
        "RegisterScalableTarget",
        "DeregisterScalableTarget",
        "PutScalingPolicy",
        "DeleteScalingPolicy",
      ]),
      [arn.regional("application-autoscaling", "scalable-target/*")],
      [
        {
          test: "StringEquals",
          variable: "application-autoscaling:service-namespace",
          values: ["ecs", "rds"],
        },
      ],
    ),
    allow(
      "ScalingTargetTags",
      svc("application-autoscaling", ["TagResource", "UntagResource", "ListTagsForResource"]),
      [arn.regional("application-autoscaling", "scalable-target/*")],
    ),
    allow(
      "AmiParameters",
      ["ssm:GetParameter", "ssm:GetParameters"],
      [
        `arn:${s.partition}:ssm:${s.region}::parameter/aws/service/*`,
        arn.regional("ssm", `parameter/${s.project}/*`),
      ],
    ),
    allow(
      "ComputeRegionWide",
      [
        "ecs:Describe*",
        "ecs:ListTagsForResource",
        // Task definitions are registered and retired by family, with no ARN to scope.
        "ecs:DeregisterTaskDefinition",
        "ecr:DescribeRepositories",
        // The public.ecr.aws pull-through cache of the log routers' image.
        "ecr:CreatePullThroughCacheRule",
        "ecr:DeletePullThroughCacheRule",
        "ecr:DescribePullThroughCacheRules",
        "ecr:UpdatePullThroughCacheRule",
        "autoscaling:Describe*",
        "application-autoscaling:Describe*",
      ],
      ["*"],
      [inRegion(s)],
    ),
  ];
}
