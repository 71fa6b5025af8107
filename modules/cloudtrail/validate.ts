import { isUnresolved } from "../../lib/tokens";
import { isLogRetentionDays, LOG_RETENTION_DAYS } from "../../lib/log-retention";
import { show, type Issue } from "../../lib/validation";

export interface TrailInput {
  readonly account: string;
  readonly region: string;
  readonly logBucketArn: string;
  readonly keyPrefix?: string;
  readonly logRetentionDays?: number;
  readonly alarmTopicArn?: string;
}

const literal = (value: string | undefined): value is string =>
  value !== undefined && !isUnresolved(value);
/** S3's safe key characters: the prefix ends up in a bucket policy's Resource. */
const KEY_PREFIX = /^[A-Za-z0-9!_.'()-]+(\/[A-Za-z0-9!_.'()-]+)*$/;

/** Every problem with the trail's inputs (values known only at plan time pass). */
export function trailIssues(input: TrailInput): Issue[] {
  const issues: Issue[] = [];
  if (literal(input.account) && !/^\d{12}$/.test(input.account)) {
    issues.push({
      path: ["account"],
      message: `${show(input.account)} is not an AWS account id (12 digits)`,
    });
  }
  if (literal(input.logBucketArn) && !/^arn:aws[a-z-]*:s3:::[^/]+$/.test(input.logBucketArn)) {
    issues.push({
      path: ["logBucketArn"],
      message: `${show(input.logBucketArn)} is not an S3 bucket ARN (arn:<partition>:s3:::<bucket>)`,
    });
  }
  const prefix = input.keyPrefix;
  if (literal(prefix) && (prefix.length > 200 || !KEY_PREFIX.test(prefix))) {
    issues.push({
      path: ["keyPrefix"],
      message: `${show(prefix)} is not a key prefix CloudTrail can deliver under; allowed: up to 200 characters of path segments (letters, digits, ! _ . ' ( ) -) separated by single "/"`,
    });
  }
  const days = input.logRetentionDays;
  if (days !== undefined && !isLogRetentionDays(days)) {
    issues.push({
      path: ["logRetentionDays"],
      message: `${show(days)} must be one of the values CloudWatch Logs accepts: ${LOG_RETENTION_DAYS.join(", ")}`,
    });
  }
  const topic = input.alarmTopicArn;
  if (literal(topic)) {
    const topicRegion = topic.split(":")[3];
    if (!/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/.test(topic)) {
      issues.push({
        path: ["alarmTopicArn"],
        message: `${show(topic)} is not an SNS topic ARN (arn:<partition>:sns:<region>:<account>:<name>)`,
      });
    } else if (literal(input.region) && topicRegion !== input.region) {
      issues.push({
        path: ["alarmTopicArn"],
        message: `${show(topic)} is in ${topicRegion}; CloudWatch alarms notify only topics in their own region (${input.region})`,
      });
    }
  }
  return issues;
}
