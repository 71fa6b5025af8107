import { Construct } from "constructs";
import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import type { Names } from "../../lib/names";

export interface ServiceRepositoryProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** Service name; the repository is `<project>-<env>/<service>`. */
  readonly service: string;
  /**
   * Images kept; older ones are expired.
   * @default 10
   */
  readonly keepImages?: number;
}

/** The service's ECR repository: scanned on push, immutable tags, the last N images kept. */
export class ServiceRepository extends Construct {
  readonly repository: EcrRepository;

  constructor(scope: Construct, id: string, props: ServiceRepositoryProps) {
    super(scope, id);
    const keep = props.keepImages ?? 10;
    this.repository = new EcrRepository(this, "repository", {
      name: `${props.names.prefix}/${props.service}`,
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
            description: `Keep the last ${keep} images`,
            selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: keep },
            action: { type: "expire" },
          },
        ],
      }),
    });
  }
}
