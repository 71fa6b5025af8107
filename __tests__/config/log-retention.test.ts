import { describe, expect, it } from "vitest";
import type { EnvironmentInput } from "../../config";
import { rejection, withEnv } from "../helpers/config";
import { synthPlatform } from "../helpers/synth";
import { resources, type TfJson } from "../helpers/tf";

/*
 * One environment-level retention that every CloudWatch log group inherits, unless the log
 * group's own layer overrides it. Checked on every log group of every stack, so a log group
 * added later is covered without being listed here.
 */
function clearOverrides(env: EnvironmentInput): void {
  env.logRetentionDays = 14;
  if (env.network.flowLogs !== undefined) delete env.network.flowLogs.retentionDays;
  if (env.database?.logs !== undefined) delete env.database.logs.retentionDays;
  if (env.services?.cluster !== undefined) delete env.services.cluster.execLogRetentionDays;
  env.services?.services.forEach((s) => delete s.logRetentionDays);
  if (env.edge !== undefined) delete env.edge.logRetentionDays;
  if (env.operations !== undefined) delete env.operations.logRetentionDays;
}

const retentions = (stacks: Record<string, TfJson>, env: string): [string, unknown][] =>
  Object.entries(stacks)
    .filter(([id]) => id.startsWith(`platform-${env}-`))
    .flatMap(([id, json]) =>
      resources(json, "aws_cloudwatch_log_group").map(([name, body]): [string, unknown] => [
        `${id.slice(`platform-${env}-`.length)}/${name}`,
        body.retention_in_days,
      ]),
    );

describe("log retention", () => {
  it("is the environment's logRetentionDays for every log group without a layer override", () => {
    const { stacks } = synthPlatform(
      withEnv("prod", (e) => {
        clearOverrides(e);
      }),
      { environments: ["prod"] },
    );
    const groups = retentions(stacks, "prod");
    // Every layer that writes logs is present, so none escapes the check.
    expect(new Set(groups.map(([g]) => g.split("/")[0]))).toEqual(
      new Set(["network", "data", "ops", "services", "edge"]),
    );
    for (const [group, days] of groups) expect({ group, days }).toEqual({ group, days: 14 });
  });

  it("is the layer's override for that layer's log groups only", () => {
    const { stacks } = synthPlatform(
      withEnv("prod", (e) => {
        clearOverrides(e);
        e.network.flowLogs = { ...e.network.flowLogs, retentionDays: 60 };
        if (e.database === undefined || e.services === undefined || e.edge === undefined) {
          throw new Error("prod lost a layer");
        }
        e.database.logs = { ...e.database.logs, retentionDays: 90 };
        e.services.cluster = { ...e.services.cluster, execLogRetentionDays: 150 };
        e.services.services[0].logRetentionDays = 120;
        e.edge.logRetentionDays = 180;
        e.operations = { ...e.operations, logRetentionDays: 365 };
      }),
      { environments: ["prod"] },
    );
    const expected = (group: string): number => {
      const [layer, name] = group.split("/");
      if (layer === "network") return 60;
      if (layer === "data") return 90;
      if (layer === "edge") return 180;
      if (layer === "ops") return 365;
      if (layer === "services" && name.startsWith("cluster_")) return 150;
      if (layer === "services" && name.startsWith("web_")) return 120;
      return 14;
    };
    const groups = retentions(stacks, "prod");
    expect(groups.some(([g]) => g.startsWith("services/api_"))).toBe(true);
    for (const [group, days] of groups) {
      expect({ group, days }).toEqual({ group, days: expected(group) });
    }
  });

  it("refuses an environment retention CloudWatch Logs does not accept, naming the path", () => {
    expect(rejection(withEnv("dev", (e) => (e.logRetentionDays = 10 as 7)))).toMatch(
      /environments\.dev\.logRetentionDays: 10 must be one of the values CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30/,
    );
  });
});
