import { isUnresolved } from "../../lib/tokens";
import { s3BucketNameProblem } from "../../lib/aws-names";
import { show, type Issue } from "../../lib/validation";

/** The values the GitHub roles' trust is built from. */
export interface GithubIdentityInput {
  readonly repository: string;
  readonly branch: string;
  readonly githubEnvironment?: string;
  readonly planGithubEnvironment?: string;
}

/** The values the deploy permissions are scoped by. */
export interface DeployPermissionsScopeInput {
  readonly projectPrefix?: string;
  readonly stateBucket?: string;
  readonly stateKmsKeyArn?: string;
}

const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
/** Characters IAM accepts in role and policy names: the prefix ends up in ARN patterns. */
const IAM_NAME_CHARS = /^[A-Za-z0-9+=,.@_-]+$/;
const KMS_KEY_OR_ALIAS =
  /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key\/[A-Za-z0-9-]+|alias\/[\w/-]+)$/;

const literal = (value: string | undefined): value is string =>
  value !== undefined && !isUnresolved(value);

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

const GITHUB_ENVIRONMENT = /^[^:*?\s][^:*?]{0,254}$/;

/** Every problem with the GitHub identity's inputs, one Issue per property. */
export function githubIdentityIssues(input: GithubIdentityInput): Issue[] {
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
  for (const key of ["githubEnvironment", "planGithubEnvironment"] as const) {
    const value = input[key];
    if (literal(value) && !GITHUB_ENVIRONMENT.test(value)) {
      issues.push({
        path: [key],
        message: `${show(value)} is not a GitHub environment name; allowed: 1 to 255 characters without ":", "*", "?" or a leading space`,
      });
    }
  }
  return issues;
}

/** Every problem with what scopes the deploy permissions, one Issue per property. */
export function deployPermissionsIssues(input: DeployPermissionsScopeInput): Issue[] {
  const issues: Issue[] = [];
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
  return issues;
}
