import { describe, expect, it } from "vitest";
import { MANUAL_LAYERS } from "../../modules/ci-identity";
import { synthShipped } from "../helpers/synth";
import { resources, type Block, type TfJson } from "../helpers/tf";

interface Stmt {
  readonly effect?: string;
  readonly actions?: readonly string[];
  readonly resources?: readonly string[];
}

/** The statements of a policy attribute: a policy document data source or literal JSON. */
function statements(json: TfJson, policy: unknown, where: string): Stmt[] {
  const text = String(policy);
  const ref = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(text);
  if (ref !== null) {
    const doc = json.data?.aws_iam_policy_document[ref[1]];
    if (doc === undefined) throw new Error(`${where}: no document ${ref[1]}`);
    return (doc.statement ?? []) as Stmt[];
  }
  if (text.startsWith("{")) {
    const parsed = JSON.parse(text) as {
      Statement: { Effect: string; Action: string | string[] }[];
    };
    return parsed.Statement.map((s) => ({
      effect: s.Effect,
      actions: typeof s.Action === "string" ? [s.Action] : s.Action,
    }));
  }
  throw new Error(`${where}: cannot read policy ${text}`);
}

const allowedActions = (stmts: Stmt[]) =>
  stmts.filter((s) => (s.effect ?? "Allow") === "Allow").flatMap((s) => s.actions ?? []);

const glob = (pattern: string) =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`, "i");

/*
 * A boundary is a ceiling: an action a role's own policy grants but the boundary does not allow
 * is silently denied at run time. Every action the project's policies give a boundary-carrying
 * role must therefore match an Allow of that environment's boundary.
 */
describe("invariant: the boundary allows every action the project grants its roles", () => {
  const { stacks } = synthShipped();
  const applied = Object.entries(stacks).filter(
    ([id]) => !(MANUAL_LAYERS as readonly string[]).includes(id.split("-").slice(2).join("-")),
  );
  const boundaryOf = (env: string) => {
    const ci = stacks[`platform-${env}-ci`];
    const policy = resources(ci, "aws_iam_policy").find(
      ([, p]) => p.name === `platform-${env}-boundary`,
    );
    if (policy === undefined) throw new Error(`no boundary in platform-${env}-ci`);
    return allowedActions(statements(ci, policy[1].policy, "boundary")).map(glob);
  };

  it.each(applied.map(([id]) => id))("%s", (id) => {
    const json = stacks[id];
    const boundary = boundaryOf(id.split("-")[1]);
    const roleRef = (b: Block) => String(b.role).replace(/\.(id|name)\}$/, "");
    const granted: [string, string][] = [];
    for (const [name, p] of resources(json, "aws_iam_role_policy")) {
      for (const a of allowedActions(statements(json, p.policy, name)))
        granted.push([roleRef(p), a]);
    }
    for (const [name, att] of resources(json, "aws_iam_role_policy_attachment")) {
      const own = /^\$\{aws_iam_policy\.([^.]+)\.arn\}$/.exec(String(att.policy_arn));
      if (own === null) continue; // AWS managed policies are reviewed in boundary.ts
      const policy = json.resource?.aws_iam_policy[own[1]];
      if (policy === undefined) throw new Error(`${name}: no policy ${own[1]}`);
      for (const a of allowedActions(statements(json, policy.policy, name)))
        granted.push([roleRef(att), a]);
    }
    const blocked = granted.filter(([, a]) => !boundary.some((b) => b.test(a)));
    expect(blocked).toEqual([]);
  });

  it("sees the DCV roles' grants (the check is not vacuous)", () => {
    const actions = ["dev", "prod"].flatMap((env) => {
      const dcv = stacks[`platform-${env}-dcv`];
      return resources(dcv, "aws_iam_role_policy").flatMap(([n, p]) =>
        allowedActions(statements(dcv, p.policy, n)),
      );
    });
    expect(actions).toEqual(
      expect.arrayContaining(["s3:GetObject", "secretsmanager:PutSecretValue"]),
    );
  });
});
