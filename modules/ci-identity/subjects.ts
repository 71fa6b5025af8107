/** What decides the subjects of the GitHub tokens the roles trust. */
export interface GithubSubjectInput {
  /** `owner/name`. */
  readonly repository: string;
  /** The branch whose runs may deploy. */
  readonly branch: string;
  /** GitHub environment of the deploy job, if it runs in one. */
  readonly githubEnvironment?: string;
  /** GitHub environment of the plan job, if it runs in one. */
  readonly planGithubEnvironment?: string;
}

/**
 * The `sub` claim each role trusts. A job in a GitHub environment gets
 * `repo:<owner>/<name>:environment:<env>` whatever its event; otherwise a push gets
 * `repo:<owner>/<name>:ref:refs/heads/<branch>` and a pull request `repo:<owner>/<name>:pull_request`.
 */
export function githubSubjects(input: GithubSubjectInput): { deploy: string; plan: string } {
  const repo = `repo:${input.repository}`;
  return {
    deploy:
      input.githubEnvironment === undefined
        ? `${repo}:ref:refs/heads/${input.branch}`
        : `${repo}:environment:${input.githubEnvironment}`,
    plan:
      input.planGithubEnvironment === undefined
        ? `${repo}:pull_request`
        : `${repo}:environment:${input.planGithubEnvironment}`,
  };
}
