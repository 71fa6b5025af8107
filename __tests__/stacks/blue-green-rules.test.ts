import { describe, expect, it } from "vitest";
import { synthFixture } from "../fixtures/synth";
import { resources, strings } from "../helpers/tf";

/*
 * A blue/green rule ignores its action (ECS rewrites the weights), so when its target groups
 * are replaced (a port change renames them) only replacing the rule points it at the new ones.
 */
describe("blue/green listener rules follow their target groups", () => {
  const { stacks } = synthFixture();
  const ignoring = Object.entries(stacks).flatMap(([id, json]) =>
    resources(json, "aws_lb_listener_rule")
      .filter(([, r]) =>
        ((r.lifecycle as { ignore_changes?: string[] } | undefined)?.ignore_changes ?? []).includes(
          "action",
        ),
      )
      .map(([name, r]) => ({ id, json, name, rule: r })),
  );

  it("there are such rules (production and test listeners)", () => {
    expect(ignoring.length).toBeGreaterThanOrEqual(2);
  });

  it("each is replaced when any target group it forwards to is replaced", () => {
    for (const { id, json, name, rule } of ignoring) {
      const groups = [
        ...new Set(
          strings(rule.action).flatMap((s) =>
            [...s.matchAll(/\$\{aws_lb_target_group\.([^.]+)\.arn\}/g)].map((m) => m[1]),
          ),
        ),
      ];
      expect(groups.length, `${id} ${name}`).toBeGreaterThan(0);
      const triggers = (rule.lifecycle as { replace_triggered_by?: string[] }).replace_triggered_by;
      expect(triggers, `${id} ${name}`).toEqual(
        expect.arrayContaining(groups.map((g) => `aws_lb_target_group.${g}.id`)),
      );
      for (const g of groups) expect(json.resource?.aws_lb_target_group[g]).toBeDefined();
    }
  });
});
