import { Token } from "cdktf";
import { show, type Issue } from "../../lib/validation";
import {
  hostnameProblem,
  organizationProblem,
  projectProblem,
  workspaceNameProblem,
} from "./names";

/** The values HcpWorkspaces checks before creating anything. */
export interface HcpWorkspacesInput {
  readonly organization: string;
  readonly hostname: string;
  readonly projectName: string;
  readonly executionMode: string;
  readonly agentPool?: string;
  readonly workspaces: readonly {
    readonly name: string;
    readonly reads: readonly string[];
    readonly runsAfter?: readonly string[];
  }[];
}

const literal = (value: string | undefined): value is string =>
  value !== undefined && !Token.isUnresolved(value);

function checkName(
  issues: Issue[],
  path: (string | number)[],
  value: string,
  rule: (v: string) => string | undefined,
): void {
  if (!literal(value)) return;
  const why = rule(value);
  if (why !== undefined) issues.push({ path, message: `${show(value)} ${why}` });
}

/** Every problem with the workspaces' inputs, one Issue per property. */
export function hcpWorkspacesIssues(input: HcpWorkspacesInput): Issue[] {
  const issues: Issue[] = [];
  checkName(issues, ["organization"], input.organization, organizationProblem);
  checkName(issues, ["hostname"], input.hostname, hostnameProblem);
  checkName(issues, ["projectName"], input.projectName, projectProblem);
  if (input.executionMode === "agent" && input.agentPool === undefined) {
    issues.push({
      path: ["agentPool"],
      message: 'is required with executionMode "agent": name the agent pool the runs use',
    });
  }
  const names = input.workspaces.map((w) => w.name);
  input.workspaces.forEach((workspace, i) => {
    checkName(issues, ["workspaces", i, "name"], workspace.name, workspaceNameProblem);
    if (names.indexOf(workspace.name) !== i) {
      issues.push({
        path: ["workspaces", i, "name"],
        message: `${show(workspace.name)} is listed twice; workspace names are unique in an organization`,
      });
    }
    const edges = [
      ...workspace.reads.map((p, j) => ({ producer: p, path: ["reads", j] })),
      ...(workspace.runsAfter ?? []).map((p, j) => ({ producer: p, path: ["runsAfter", j] })),
    ];
    edges.forEach(({ producer, path }) => {
      if (producer === workspace.name || !names.includes(producer)) {
        issues.push({
          path: ["workspaces", i, ...path],
          message: `${show(producer)} is not another workspace of this set; known: ${names.join(", ")}`,
        });
      }
    });
  });
  return issues;
}
