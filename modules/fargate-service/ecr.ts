import { Construct } from "constructs";
import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import type { Names } from "../../lib/names";
import type { RepositorySettings } from "./settings";

export interface ServiceRepositoryProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** Service name; the repository is `<project>-<env>/<service>`. */
  readonly service: string;
  /** Expiry of untagged and scratch images. */
  readonly settings: RepositorySettings;
}

/** The repository name of a service's images. */
export function repositoryName(names: Names, service: string): string {
  return `${names.prefix}/${service}`;
}

/**
 * A service's ECR repository: scanned on push, immutable tags, never force-deleted. The
 * lifecycle expires only untagged images and scratch tags (dev-, pr-, ...): a released tag that
 * a task definition points at is never expired under a running service.
 */
export class ServiceRepository extends Construct {
  readonly repository: EcrRepository;

  constructor(scope: Construct, id: string, props: ServiceRepositoryProps) {
    super(scope, id);
    const s = props.settings;
    this.repository = new EcrRepository(this, "repository", {
      name: repositoryName(props.names, props.service),
      imageTagMutability: "IMMUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [{ encryptionType: "AES256" }],
      // A repository with images in it is never deleted by a destroy.
      forceDelete: false,
      tags: props.names.nameTag(["ecr", props.service]),
    });
    new EcrLifecyclePolicy(this, "lifecycle", {
      repository: this.repository.name,
      policy: JSON.stringify({
        rules: [
          {
            rulePriority: 1,
            description: `Expire untagged images after ${s.untaggedExpiryDays} days`,
            selection: {
              tagStatus: "untagged",
              countType: "sinceImagePushed",
              countUnit: "days",
              countNumber: s.untaggedExpiryDays,
            },
            action: { type: "expire" },
          },
          // One rule per prefix: a rule with several prefixes selects only images that carry
          // a tag of every prefix at once.
          ...s.scratchTagPrefixes.map((prefix, i) => ({
            rulePriority: i + 2,
            description: `Keep the last ${s.keepScratchImages} ${prefix}* images; released tags never expire`,
            selection: {
              tagStatus: "tagged",
              tagPrefixList: [prefix],
              countType: "imageCountMoreThan",
              countNumber: s.keepScratchImages,
            },
            action: { type: "expire" },
          })),
        ],
      }),
    });
  }
}
