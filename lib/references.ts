/*
 * Grammars of references that AWS resolves only at deploy or task start: container images and
 * secret sources. A typo here would otherwise synthesize and fail when ECS starts a task.
 */

// distribution/reference (the grammar Docker and ECR implement):
// https://github.com/distribution/reference/blob/main/reference.go
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?`;
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const REFERENCE = new RegExp(
  `^(?:(${DOMAIN})/)?(${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`,
);
const TAG_ONLY = new RegExp(`^${TAG}$`);

/** Tags that by convention move to newer images; production pins a version or a digest. */
export const MOVING_TAGS = [
  "latest",
  "stable",
  "main",
  "master",
  "edge",
  "nightly",
  "dev",
  "develop",
  "current",
  "lts",
];

export interface ImageReference {
  readonly repository: string;
  /** The tag, when one is given (no tag and no digest means "latest"). */
  readonly tag?: string;
  readonly digest?: string;
}

/** Parses an image reference, or says what is wrong with it. */
export function parseImageReference(
  ref: string,
): { ok: true; image: ImageReference } | { ok: false; problem: string } {
  if (/\s/.test(ref)) return { ok: false, problem: "contains white space" };
  if (ref.length === 0) return { ok: false, problem: "is empty" };
  const m = REFERENCE.exec(ref);
  if (m === null) return { ok: false, problem: referenceProblem(ref) };
  const repository = (m[1] === undefined ? "" : `${m[1]}/`) + m[2];
  if (repository.length > 255)
    return { ok: false, problem: "has a name longer than 255 characters" };
  return { ok: true, image: { repository, tag: m[3], digest: m[4] } };
}

/** Why a reference that fails the grammar fails it, phrased to follow "it". */
function referenceProblem(ref: string): string {
  const name = ref.split("@")[0];
  const slash = name.lastIndexOf("/");
  const colon = name.lastIndexOf(":");
  const tag = colon > slash ? name.slice(colon + 1) : undefined;
  const path = colon > slash ? name.slice(0, colon) : name;
  const components = path.split("/");
  const first = components[0];
  const hasDomain =
    components.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost");
  if (tag !== undefined && !TAG_ONLY.test(tag)) {
    return `has the tag ${JSON.stringify(tag)}, which is not a tag (a letter, digit or _, then up to 127 letters, digits, _, . or -)`;
  }
  if ((hasDomain ? components.slice(1) : components).some((c) => /[A-Z]/.test(c))) {
    return "has upper-case letters in its repository path (paths are lower case)";
  }
  return "does not follow the reference grammar [registry[:port]/]path[:tag][@sha256:digest]";
}

/** Whether a tag is a valid Docker tag. */
export function isImageTag(tag: string): boolean {
  return TAG_ONLY.test(tag);
}

const PARTITION = "aws(?:-cn|-us-gov)?";
const REGION = "[a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\\d";
const SECRET_ARN = new RegExp(
  `^arn:${PARTITION}:secretsmanager:${REGION}:\\d{12}:secret:([A-Za-z0-9/_+=.@-]+)((?::[^:]*){3})?$`,
);
const PARAMETER_ARN = new RegExp(
  `^arn:${PARTITION}:ssm:${REGION}:\\d{12}:parameter/([A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*)$`,
);

export interface SecretArn {
  /** The secret's own ARN: what IAM grants GetSecretValue on. */
  readonly base: string;
  /** ECS's `json-key:version-stage:version-id` selectors, when given. */
  readonly jsonKey?: string;
  readonly versionStage?: string;
  readonly versionId?: string;
}

/**
 * A Secrets Manager secret ARN as ECS accepts it in `valueFrom`: the full ARN (ending in the
 * six characters Secrets Manager appends, which IAM needs to match) optionally followed by
 * `:json-key:version-stage:version-id`.
 */
export function parseSecretArn(
  arn: string,
): { ok: true; secret: SecretArn } | { ok: false; problem: string } {
  if (PARAMETER_ARN.test(arn)) {
    return { ok: false, problem: "is an SSM parameter ARN; give it as ssmParameterArn" };
  }
  const m = SECRET_ARN.exec(arn);
  if (m === null) {
    return {
      ok: false,
      problem:
        "is not a Secrets Manager secret ARN: arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>[:json-key:version-stage:version-id]",
    };
  }
  if (!/-[A-Za-z0-9]{6}$/.test(m[1])) {
    return {
      ok: false,
      problem:
        "is a partial ARN: give the full ARN ending in the six characters Secrets Manager appends (-AbCdEf), which the execution role's grant must match",
    };
  }
  const base = arn.slice(0, arn.length - (m[2]?.length ?? 0));
  const [jsonKey, versionStage, versionId] = (m[2] ?? "")
    .split(":")
    .slice(1)
    .map((part) => (part === "" ? undefined : part));
  if (versionStage !== undefined && versionId !== undefined) {
    return { ok: false, problem: "names both a version stage and a version id; ECS takes one" };
  }
  return {
    ok: true,
    secret: { base, jsonKey, versionStage, versionId },
  };
}

/** Why an SSM parameter ARN is not one ECS can read, or undefined. */
export function parameterArnProblem(arn: string): string | undefined {
  if (PARAMETER_ARN.test(arn)) return undefined;
  if (SECRET_ARN.test(arn)) return "is a Secrets Manager ARN; give it as secretArn";
  return "is not an SSM parameter ARN: arn:aws:ssm:<region>:<account>:parameter/<name> (the name without its leading slash)";
}
