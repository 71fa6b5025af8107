import { Construct } from "constructs";
import {
  BudgetsBudget,
  type BudgetsBudgetNotification,
} from "@cdktf/provider-aws/lib/budgets-budget";
import type { Names } from "../../lib/names";
import { assertNoIssues } from "../../lib/validation";
import { budgetIssues } from "./validate";

export interface CostBudgetProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** Monthly cost limit in US dollars. */
  readonly monthlyLimitUsd: number;
  /** Alert when the month's actual cost passes these percentages of the limit. */
  readonly actualAlertPercents: readonly number[];
  /** Alert when the forecast for the month passes this percentage; false for none. */
  readonly forecastAlertPercent: number | false;
  /**
   * Topic of alerts on actual spend at or above 100 % of the limit.
   * @default none
   */
  readonly criticalTopicArn?: string;
  /**
   * Topic of alerts on actual spend below 100 % and of the forecast alert.
   * @default criticalTopicArn
   */
  readonly warningTopicArn?: string;
  /**
   * E-mail addresses AWS Budgets writes to directly (besides the topics).
   * @default []
   */
  readonly emails?: readonly string[];
  /**
   * Count only costs tagged `<key>=<value>` (a cost allocation tag, activated in Billing);
   * undefined counts the whole account.
   * @default the whole account
   */
  readonly costTag?: { readonly key: string; readonly value: string };
  /**
   * Prefix for validation errors.
   * @default the construct path
   */
  readonly configPath?: string;
}

/**
 * A monthly cost budget with alerts on actual spend (warning below the limit, critical from
 * it) and on the month's forecast, so an overrun is seen while it can still be stopped.
 */
export class CostBudget extends Construct {
  readonly budget: BudgetsBudget;

  constructor(scope: Construct, id: string, props: CostBudgetProps) {
    super(scope, id);
    const actual = props.actualAlertPercents;
    const forecast = props.forecastAlertPercent;
    const emails = props.emails ?? [];
    const critical = props.criticalTopicArn;
    const warning = props.warningTopicArn ?? critical;
    assertNoIssues(
      props.configPath ?? this.node.path,
      budgetIssues({
        monthlyLimitUsd: props.monthlyLimitUsd,
        actualAlertPercents: actual,
        forecastAlertPercent: forecast === false ? undefined : forecast,
        emails,
        topicArns: [critical, warning].filter((t): t is string => t !== undefined),
      }),
    );
    const notify = (
      type: "ACTUAL" | "FORECASTED",
      percent: number,
      topic: string | undefined,
    ): BudgetsBudgetNotification => ({
      notificationType: type,
      comparisonOperator: "GREATER_THAN",
      threshold: percent,
      thresholdType: "PERCENTAGE",
      subscriberSnsTopicArns: topic === undefined ? undefined : [topic],
      subscriberEmailAddresses: emails.length === 0 ? undefined : [...emails],
    });
    this.budget = new BudgetsBudget(this, "budget", {
      name: props.names.physical("monthly-cost", { maxLength: 100 }),
      budgetType: "COST",
      limitAmount: props.monthlyLimitUsd.toFixed(2),
      limitUnit: "USD",
      timeUnit: "MONTHLY",
      costFilter:
        props.costTag === undefined
          ? undefined
          : [{ name: "TagKeyValue", values: [`user:${props.costTag.key}$${props.costTag.value}`] }],
      notification: [
        ...actual.map((p) => notify("ACTUAL", p, p >= 100 ? critical : warning)),
        ...(forecast === false ? [] : [notify("FORECASTED", forecast, warning)]),
      ],
      tags: props.names.nameTag("monthly-cost"),
    });
  }
}
