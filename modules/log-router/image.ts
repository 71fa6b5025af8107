import { FLUENT_BIT_REPOSITORY, type LogRouterSettings } from "./settings";

/** Where the router image comes from and what pulling it needs. */
export interface RouterImage {
  /** The image reference of the task definition. */
  readonly uri: string;
  /** The private ECR repository it is pulled from, when it is one. */
  readonly repositoryArn?: string;
  /**
   * Pulled through the cache rule: the first pull imports the image and creates the
   * repository, with the execution role's permissions.
   */
  readonly pullThrough: boolean;
}

const PRIVATE_ECR =
  /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)(?::[^@]+)?(?:@.+)?$/;

/**
 * The router image: the pull-through cache of public.ecr.aws in this account and region
 * (tasks pull from the private registry, through the VPC's ECR endpoints where there is no
 * NAT), or a declared image.
 */
export function routerImage(
  s: LogRouterSettings,
  where: { readonly account: string; readonly region: string; readonly partition: string },
): RouterImage {
  const registry = `${where.account}.dkr.ecr.${where.region}.amazonaws.com${where.partition === "aws-cn" ? ".cn" : ""}`;
  const arn = (account: string, region: string, repository: string) =>
    `arn:${where.partition}:ecr:${region}:${account}:repository/${repository}`;
  if (s.image === undefined) {
    const repository = `${s.pullThroughCachePrefix}/${FLUENT_BIT_REPOSITORY}`;
    return {
      uri: `${registry}/${repository}:${s.imageTag}`,
      repositoryArn: arn(where.account, where.region, repository),
      pullThrough: true,
    };
  }
  const ecr = PRIVATE_ECR.exec(s.image);
  return {
    uri: s.image,
    repositoryArn: ecr === null ? undefined : arn(ecr[1], ecr[2], ecr[3]),
    pullThrough: false,
  };
}
