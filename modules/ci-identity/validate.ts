import { Token } from "cdktf";
import { s3BucketNameProblem } from "../../lib/aws-names";
import { show, type Issue } from "../../lib/validation";

/** The values the deploy role's trust and permissions are built from. */
export interface CiIdentityInput {
  readonly repository: string;
  readonly branch: string;
  readonly projectPrefix: string;
  readonly stateBucket: string;
  readonly stateKmsKeyArn?: string;
  readonly githubEnvironment?: string;
  readonly permissionsBoundaryArn?: string;
}

const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
/** Characters IAM accepts in role and policy names: the prefix ends up in ARN patterns. */
const IAM_NAME_CHARS = /^[A-Za-z0-9+=,.@_-]+$/;
const KMS_KEY_OR_ALIAS =
  /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key\/[A-Za-z0-9-]+|alias\/[\w/-]+)$/;
const POLICY_ARN = /^arn:aws[a-z-]*:iam::\d{12}:policy\/[\w+=,.@/-]+$/;

const literal = (value: string | undefined): value is string =>
  value !== undefined && !Token.isUnresolved(value);

/**
 * Why git (and so GitHub) would refuse `name` as a branch, after `git check-ref-format`; or
 * undefined when it is a valid branch name.
 */
export function branchProblem(name: string): string | undefined {
  if (name === "") return "must not be empty";
  if (/[*?[]/.test(name)) {
    return "must name one branch: a wildcard would let a workflow run from any matching branch assume the deploy role";
  }
  if (name.startsWith("refs/")) return 'is the branch name alone, without "refs/heads/"';
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f~^:\\]/.test(name)) {
    return "must not contain spaces, control characters or any of ~ ^ : \\";
  }
  if (name.includes("..") || name.includes("@{") || name === "@") {
    return 'must not contain ".." or "@{" and must not be "@"';
  }
  if (name.startsWith("/") || name.endsWith("/") || name.includes("//")) {
    return "must not start or end with / or contain //";
  }
  if (name.endsWith(".")) return 'must not end with "."';
  if (name.split("/").some((part) => part.startsWith(".") || part.endsWith(".lock"))) {
    return 'must not have a path component starting with "." or ending with ".lock"';
  }
  return undefined;
}

/** Every problem with the CI identity's inputs, one Issue per property. */
export function ciIdentityIssues(input: CiIdentityInput): Issue[] {
  const issues: Issue[] = [];
  if (literal(input.repository) && !REPOSITORY.test(input.repository)) {
    issues.push({
      path: ["repository"],
      message: `${show(input.repository)} is not a GitHub repository; expected "owner/name" (letters, digits, "_", "." and "-")`,
    });
  }
  if (literal(input.branch)) {
    const problem = branchProblem(input.branch);
    if (problem !== undefined) {
      issues.push({
        path: ["branch"],
        message: `${show(input.branch)} is not a valid branch name: it ${problem}`,
      });
    }
  }
  if (literal(input.projectPrefix)) {
    if (input.projectPrefix === "") {
      issues.push({
        path: ["projectPrefix"],
        message: `${show(input.projectPrefix)} must not be empty: it scopes every resource ARN the deploy role may change`,
      });
    } else if (!IAM_NAME_CHARS.test(input.projectPrefix)) {
      issues.push({
        path: ["projectPrefix"],
        message: `${show(input.projectPrefix)} may hold only letters, digits and + = , . @ _ - (no wildcards: it scopes every resource ARN the deploy role may change)`,
      });
    }
  }
  if (literal(input.stateBucket)) {
    const problem = s3BucketNameProblem(input.stateBucket);
    if (problem !== undefined) {
      issues.push({
        path: ["stateBucket"],
        message: `${show(input.stateBucket)} is not an S3 bucket name: it ${problem}`,
      });
    }
  }
  if (literal(input.stateKmsKeyArn) && !KMS_KEY_OR_ALIAS.test(input.stateKmsKeyArn)) {
    issues.push({
      path: ["stateKmsKeyArn"],
      message: `${show(input.stateKmsKeyArn)} is not a KMS key or alias ARN (arn:<partition>:kms:<region>:<account>:key/<id> or :alias/<name>)`,
    });
  }
  if (
    literal(input.githubEnvironment) &&
    !/^[^:*?\s][^:*?]{0,254}$/.test(input.githubEnvironment)
  ) {
    issues.push({
      path: ["githubEnvironment"],
      message: `${show(input.githubEnvironment)} is not a GitHub environment name; allowed: 1 to 255 characters without ":", "*", "?" or a leading space`,
    });
  }
  if (literal(input.permissionsBoundaryArn) && !POLICY_ARN.test(input.permissionsBoundaryArn)) {
    issues.push({
      path: ["permissionsBoundaryArn"],
      message: `${show(input.permissionsBoundaryArn)} is not a customer managed policy ARN (arn:<partition>:iam::<account>:policy/<name>)`,
    });
  }
  return issues;
}
