import { isUnresolved } from "../../lib/tokens";
import { show, type Issue } from "../../lib/validation";

/** AWS Budgets accepts at most five notifications per budget. */
export const MAX_BUDGET_NOTIFICATIONS = 5;
/** ... and at most ten e-mail subscribers per notification. */
export const MAX_BUDGET_EMAILS = 10;

export interface BudgetInput {
  readonly monthlyLimitUsd: number;
  readonly actualAlertPercents: readonly number[];
  readonly forecastAlertPercent?: number;
  readonly emails: readonly string[];
  /**
   * The alarm topics the alerts also go to; undefined where the caller (the configuration
   * rules) knows the platform's alarm topics receive them.
   * @default undefined: subscriber checks skipped
   */
  readonly topicArns?: readonly string[];
}

/** Every problem with a budget's settings. */
export function budgetIssues(input: BudgetInput): Issue[] {
  const issues: Issue[] = [];
  if (!(input.monthlyLimitUsd > 0)) {
    issues.push({
      path: ["monthlyLimitUsd"],
      message: `${show(input.monthlyLimitUsd)} must be a positive amount of US dollars`,
    });
  }
  input.actualAlertPercents.forEach((p, i) => {
    if (input.actualAlertPercents.indexOf(p) !== i) {
      issues.push({
        path: ["actualAlertPercents", i],
        message: `${show(p)} is listed twice; each threshold alerts once`,
      });
    }
  });
  const count =
    input.actualAlertPercents.length + (input.forecastAlertPercent === undefined ? 0 : 1);
  if (count > MAX_BUDGET_NOTIFICATIONS) {
    issues.push({
      path: ["actualAlertPercents"],
      message: `${show(input.actualAlertPercents)} plus the forecast alert make ${count} notifications; AWS Budgets allows ${MAX_BUDGET_NOTIFICATIONS}`,
    });
  }
  if (count === 0) {
    issues.push({
      path: ["actualAlertPercents"],
      message: "[] and no forecastAlertPercent: a budget without alerts tells nobody; add one",
    });
  }
  if (input.emails.length > MAX_BUDGET_EMAILS) {
    issues.push({
      path: ["emails"],
      message: `has ${input.emails.length} addresses; AWS Budgets allows ${MAX_BUDGET_EMAILS} per alert (subscribe the rest to the alarm topics)`,
    });
  }
  if (input.topicArns === undefined) return issues;
  const literalTopics = input.topicArns.filter((t) => !isUnresolved(t));
  for (const topic of literalTopics) {
    if (!/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/.test(topic)) {
      issues.push({
        path: ["topicArns"],
        message: `${show(topic)} is not an SNS topic ARN (arn:<partition>:sns:<region>:<account>:<name>)`,
      });
    }
  }
  if (input.emails.length === 0 && input.topicArns.length === 0) {
    issues.push({
      path: ["emails"],
      message: "is empty and no alarm topic was given: every budget alert needs a subscriber",
    });
  }
  return issues;
}
