import { describe, expect, it } from "vitest";
import { Names } from "../../lib/names";
import { CostBudget, type CostBudgetProps } from "../../modules/budget";
import { synthConstruct } from "../helpers/synth";
import { only, type Block } from "../helpers/tf";

const names = new Names({ project: "platform", environment: "prod" });
const CRITICAL = "arn:aws:sns:ap-northeast-1:222222222222:platform-prod-alarms-critical";
const WARNING = "arn:aws:sns:ap-northeast-1:222222222222:platform-prod-alarms-warning";
const base: CostBudgetProps = {
  names,
  monthlyLimitUsd: 3000,
  criticalTopicArn: CRITICAL,
  warningTopicArn: WARNING,
  actualAlertPercents: [80, 100],
  forecastAlertPercent: 100,
};
const synth = (extra: Partial<CostBudgetProps> = {}): Block =>
  only(
    synthConstruct((stack) => new CostBudget(stack, "budget", { ...base, ...extra })),
    "aws_budgets_budget",
  );

describe("CostBudget", () => {
  const budget = synth();
  const notifications = budget.notification as Block[];

  it("is a monthly USD cost budget over the whole account by default", () => {
    expect(budget).toMatchObject({
      name: "platform-prod-monthly-cost",
      budget_type: "COST",
      limit_amount: "3000.00",
      limit_unit: "USD",
      time_unit: "MONTHLY",
    });
    expect(budget).not.toHaveProperty("cost_filter");
  });

  it("warns at 80 % actual and on the forecast, and is critical at 100 % actual", () => {
    expect(
      notifications.map((n) => [n.notification_type, n.threshold, n.subscriber_sns_topic_arns]),
    ).toEqual([
      ["ACTUAL", 80, [WARNING]],
      ["ACTUAL", 100, [CRITICAL]],
      ["FORECASTED", 100, [WARNING]],
    ]);
    for (const n of notifications) {
      expect(n).toMatchObject({
        comparison_operator: "GREATER_THAN",
        threshold_type: "PERCENTAGE",
      });
    }
  });

  it("counts one environment's tagged costs when asked, and e-mails directly", () => {
    const tagged = synth({
      costTag: { key: "Environment", value: "prod" },
      emails: ["finance@example.com"],
      forecastAlertPercent: false,
    });
    expect(tagged.cost_filter).toEqual([
      { name: "TagKeyValue", values: ["user:Environment$prod"] },
    ]);
    const ns = tagged.notification as Block[];
    expect(ns.map((n) => n.notification_type)).toEqual(["ACTUAL", "ACTUAL"]);
    for (const n of ns) expect(n.subscriber_email_addresses).toEqual(["finance@example.com"]);
  });
});

describe("CostBudget validation", () => {
  const cases: [string, Partial<CostBudgetProps>, RegExp][] = [
    ["limit", { monthlyLimitUsd: 0 }, /monthlyLimitUsd: 0 must be a positive amount/],
    [
      "duplicate threshold",
      { actualAlertPercents: [80, 80] },
      /actualAlertPercents\[1\]: 80 is listed twice/,
    ],
    [
      "too many notifications",
      { actualAlertPercents: [50, 60, 70, 80, 90] },
      /make 6 notifications; AWS Budgets allows 5/,
    ],
    [
      "no alert at all",
      { actualAlertPercents: [], forecastAlertPercent: false },
      /a budget without alerts tells nobody/,
    ],
    [
      "too many e-mails",
      { emails: Array.from({ length: 11 }, (_, i) => `a${i}@example.com`) },
      /emails: has 11 addresses; AWS Budgets allows 10/,
    ],
    ["topic ARN", { criticalTopicArn: "nope" }, /topicArns: "nope" is not an SNS topic ARN/],
    [
      "no subscriber",
      { criticalTopicArn: undefined, warningTopicArn: undefined },
      /emails: is empty and no alarm topic was given/,
    ],
  ];
  it.each(cases)("rejects a bad %s", (_, extra, message) => {
    expect(() => synth(extra)).toThrow(message);
  });
});
