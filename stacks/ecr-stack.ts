import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { singletonMode, usesPullThroughCache } from "../config/account-singletons";
import type { ServicesConfig } from "../config/resolve";
import { adoptIfAsked, ownsSingleton } from "../lib/account-singleton";
import { ServiceRepository } from "../modules/fargate-service/ecr";
import { PullThroughCache } from "../modules/log-router/pull-through";
import { PlatformStack, type PlatformStackProps } from "./platform-stack";

export interface EcrStackProps extends PlatformStackProps {
  /** The services, their names and images, and the repositories' lifecycle. */
  readonly services: ServicesConfig;
}

/**
 * `<project>-<env>-ecr`: one image repository per service that builds its own image, and the
 * pull-through cache the log routers' image comes from (in the environment that owns it). A
 * layer of its own, applied before the services, so CI can push the first images before any
 * task definition points at them (docs/services.md has the order).
 */
export class EcrStack extends PlatformStack {
  /** Repositories by service name (services with a full `image` have none). */
  readonly repositories: Readonly<Record<string, ServiceRepository>>;
  /** The public.ecr.aws pull-through cache rule, where this environment owns it. */
  readonly pullThroughCache?: PullThroughCache;

  constructor(scope: Construct, props: EcrStackProps) {
    super(scope, "ecr", props);
    const repositories: Record<string, ServiceRepository> = {};
    for (const svc of props.services.services.filter((s) => s.image === undefined)) {
      // Same construct path as when the repositories lived in the services stack
      // (<service>/ecr/repository), so a state move keeps each address.
      repositories[svc.name] = new ServiceRepository(new Construct(this, svc.name), "ecr", {
        names: this.names,
        service: svc.name,
        settings: props.services.repositories,
      });
    }
    this.repositories = repositories;
    const cacheMode = singletonMode(this.environment, "ecrPullThroughCache");
    if (usesPullThroughCache(this.environment) && ownsSingleton(cacheMode)) {
      this.pullThroughCache = new PullThroughCache(this, "pull-through-cache", {
        prefix: props.services.logRouter.pullThroughCachePrefix,
      });
      adoptIfAsked(this.pullThroughCache.rule, cacheMode);
      new TerraformOutput(this, "pull_through_cache_prefix", {
        value: this.pullThroughCache.rule.ecrRepositoryPrefix,
        description: "ECR repository prefix of the public.ecr.aws pull-through cache",
      });
    }
    new TerraformOutput(this, "repository_urls", {
      value: Object.fromEntries(
        Object.entries(repositories).map(([n, r]) => [n, r.repository.repositoryUrl]),
      ),
      description: "ECR repository URL per service (push images here before the services apply)",
    });
  }
}
