import { Construct } from "constructs";
import { EcrPullThroughCacheRule } from "@cdktf/provider-aws/lib/ecr-pull-through-cache-rule";

export interface PullThroughCacheProps {
  /** Repository prefix of the rule (`<prefix>/<upstream repository>`). */
  readonly prefix: string;
}

/**
 * The ECR pull-through cache of public.ecr.aws: tasks pull public images (the log router)
 * from the account's own registry, so a VPC without a NAT gateway reaches them through its
 * ECR endpoints. public.ecr.aws needs no credentials. A rule is per registry (account and
 * region), so one environment owns it (the `ecrPullThroughCache` account singleton).
 */
export class PullThroughCache extends Construct {
  readonly rule: EcrPullThroughCacheRule;

  constructor(scope: Construct, id: string, props: PullThroughCacheProps) {
    super(scope, id);
    this.rule = new EcrPullThroughCacheRule(this, "rule", {
      ecrRepositoryPrefix: props.prefix,
      upstreamRegistryUrl: "public.ecr.aws",
    });
  }
}
