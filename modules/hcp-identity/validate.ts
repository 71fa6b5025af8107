import { Token } from "cdktf";
import { show, type Issue } from "../../lib/validation";
import {
  hostnameProblem,
  organizationProblem,
  projectProblem,
  workspaceNameProblem,
} from "../hcp-workspaces/names";

/** The values the roles' trust is built from. */
export interface HcpIdentityInput {
  readonly hostname: string;
  readonly organization: string;
  readonly project: string;
  readonly workspaces: readonly string[];
  readonly projectPrefix: string;
}

/** Every problem with the roles' inputs: a bad name here would make a subject nobody has. */
export function hcpIdentityIssues(input: HcpIdentityInput): Issue[] {
  const issues: Issue[] = [];
  const check = (
    path: (string | number)[],
    value: string,
    rule: (v: string) => string | undefined,
  ) => {
    if (Token.isUnresolved(value)) return;
    const why = rule(value);
    if (why !== undefined) issues.push({ path, message: `${show(value)} ${why}` });
  };
  check(["hostname"], input.hostname, hostnameProblem);
  check(["organization"], input.organization, organizationProblem);
  check(["project"], input.project, projectProblem);
  if (input.workspaces.length === 0) {
    issues.push({ path: ["workspaces"], message: "is empty: the roles would trust no run" });
  }
  input.workspaces.forEach((ws, i) => {
    check(["workspaces", i], ws, workspaceNameProblem);
  });
  if (
    !Token.isUnresolved(input.projectPrefix) &&
    !/^[A-Za-z0-9+=,.@_-]+$/.test(input.projectPrefix)
  ) {
    issues.push({
      path: ["projectPrefix"],
      message: `${show(input.projectPrefix)} may hold only letters, digits and + = , . @ _ - (it scopes every ARN the apply role may change)`,
    });
  }
  return issues;
}
