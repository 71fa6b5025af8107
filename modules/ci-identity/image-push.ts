import { allow, arns, type DeployScope, type Statement } from "./scope";

/** What `docker push` (and buildx's cache reads) call on a repository. */
export const ECR_PUSH_ACTIONS = [
  "ecr:BatchCheckLayerAvailability",
  "ecr:BatchGetImage",
  "ecr:CompleteLayerUpload",
  "ecr:DescribeImages",
  "ecr:DescribeRepositories",
  "ecr:GetDownloadUrlForLayer",
  "ecr:InitiateLayerUpload",
  "ecr:PutImage",
  "ecr:UploadLayerPart",
];

/**
 * Pushing service images, nothing else: the registry login (which AWS grants only on "*") and
 * the push actions on the environment's repositories, matched by name (`<prefix>/<service>`)
 * so the role does not depend on the stack that creates them. Tags are immutable in those
 * repositories, so a pushed tag can never be overwritten.
 */
export function imagePushStatements(s: DeployScope): Statement[] {
  const arn = arns(s);
  return [
    allow("RegistryLogin", ["ecr:GetAuthorizationToken"], ["*"]),
    allow("PushProjectImages", ECR_PUSH_ACTIONS, [arn.regional("ecr", `repository/${s.prefix}/*`)]),
  ];
}
