import { describe, expect, it } from "vitest";
import { loadConfig } from "../../config";
import { FIXTURE, fixtureInput } from "../fixtures/config";
import { synthFixture } from "../fixtures/synth";
import { fixtureWith } from "../helpers/config";
import { synthPlatform } from "../helpers/synth";
import { byPath, only, type Block } from "../helpers/tf";

const { stacks } = synthFixture();
const config = loadConfig(fixtureInput());

describe.each(Object.values(config.environments))("$name ops stack: trail and budget", (env) => {
  const ops = stacks[`${config.project}-${env.name}-ops`];
  const bucketPolicy = Object.entries(ops.data?.aws_iam_policy_document ?? {}).find(([name]) =>
    name.startsWith("logs_policy-document"),
  )?.[1];

  it("has the account's trail deliver to the log bucket once the bucket policy allows it", () => {
    const trail = only(ops, "aws_cloudtrail");
    const policy = byPath(ops, "aws_s3_bucket_policy", "logs/policy");
    expect(trail.s3_bucket_name).toBe(
      `${config.project}-${env.name}-logs-${env.account}-${env.region}`,
    );
    expect(trail.depends_on).toEqual(
      expect.arrayContaining([expect.stringMatching(/^aws_s3_bucket_policy\.logs_policy/)]),
    );
    expect(policy).toBeDefined();
    const sids = ((bucketPolicy?.statement as Block[] | undefined) ?? []).map((s) => s.sid);
    expect(sids).toEqual(expect.arrayContaining(["CloudTrailAclCheck", "CloudTrailWrite"]));
  });

  it("keeps the trail's key in production", () => {
    const key = byPath(ops, "aws_kms_key", "trail/key");
    expect(key.lifecycle).toMatchObject({ prevent_destroy: env.production });
  });

  it("alerts the alarm topics from the monthly budget", () => {
    const budget = only(ops, "aws_budgets_budget");
    expect(budget).toMatchObject({
      time_unit: "MONTHLY",
      limit_amount: env.operations.budget?.monthlyLimitUsd.toFixed(2),
    });
    const topics = (budget.notification as Block[]).flatMap(
      (n) => n.subscriber_sns_topic_arns as string[],
    );
    expect(topics.every((t) => /aws_sns_topic\.topics_(critical|warning)_/.test(t))).toBe(true);
  });
});

describe("the trail as an account singleton", () => {
  const env = config.environments[FIXTURE.nonProduction];
  const ops = `${config.project}-${env.name}-ops`;

  it("adopts an existing trail with an import block, and makes none where another environment owns it", () => {
    const arn = `arn:aws:cloudtrail:${env.region}:${env.account}:trail/${config.project}-${env.name}-trail`;
    // Both build the one environment: the trail it adopts is its own, and the owner it
    // references is outside this configuration (no other environment shares its account).
    const other = config.environments[FIXTURE.production];
    expect(other.account).not.toBe(env.account);
    const adopted = synthPlatform(
      fixtureWith(
        FIXTURE.nonProduction,
        (e) => (e.accountSingletons = { cloudTrail: { adopt: arn } }),
      ),
      { environments: [FIXTURE.nonProduction] },
    ).stacks[ops];
    const imports = (adopted.import ?? []) as Block[];
    expect(imports.map((b) => [String(b.to).split(".")[0], b.id])).toEqual([
      ["aws_cloudtrail", arn],
    ]);
    const referenced = synthPlatform(
      fixtureWith(
        FIXTURE.nonProduction,
        (e) => (e.accountSingletons = { cloudTrail: "reference" }),
      ),
      { environments: [FIXTURE.nonProduction] },
    ).stacks[ops];
    expect(referenced.resource?.aws_cloudtrail).toBeUndefined();
  });
});
