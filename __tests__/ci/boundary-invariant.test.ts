import { describe, expect, it } from "vitest";
import { MANUAL_LAYERS } from "../../modules/ci-identity";
import { synthShipped } from "../helpers/synth";
import { resources } from "../helpers/tf";

/*
 * The deploy role may create roles only with the environment's permissions boundary, so every
 * role in every stack CI applies must carry exactly that boundary, or its apply fails (and a
 * role without it would be a way around it).
 */
describe("invariant: every role CI creates carries the environment's boundary", () => {
  const { stacks } = synthShipped();
  const applied = Object.entries(stacks).filter(
    ([id]) => !(MANUAL_LAYERS as readonly string[]).includes(id.split("-").slice(2).join("-")),
  );

  it("covers stacks that create roles", () => {
    const withRoles = applied.filter(([, json]) => resources(json, "aws_iam_role").length > 0);
    expect(withRoles.length).toBeGreaterThanOrEqual(4);
  });

  it.each(applied.map(([id]) => id))("%s", (id) => {
    const env = id.split("-")[1];
    const account = env === "prod" ? "222222222222" : "111111111111";
    for (const [name, role] of resources(stacks[id], "aws_iam_role")) {
      expect(role.permissions_boundary, `${id} aws_iam_role.${name}`).toBe(
        `arn:aws:iam::${account}:policy/platform-${env}-boundary`,
      );
    }
  });

  it("the ci stacks create that boundary, and their own roles are applied by hand", () => {
    for (const env of ["dev", "prod"]) {
      const names = resources(stacks[`platform-${env}-ci`], "aws_iam_policy").map(
        ([, p]) => p.name,
      );
      expect(names).toContain(`platform-${env}-boundary`);
    }
  });
});
