import { Token } from "cdktf";
import { s3BucketNameProblem } from "../../lib/aws-names";
import { show, type Issue } from "../../lib/validation";

export interface AccountSecurityInput {
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  readonly logBucketName: string;
  readonly logBucketArn: string;
  readonly configKeyPrefix?: string;
  readonly criticalTopicArn: string;
}

const literal = (value: string | undefined): value is string =>
  value !== undefined && !Token.isUnresolved(value);
const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;
/** S3's safe key characters minus "*": the prefix ends up in a bucket policy's Resource. */
const KEY_PREFIX = /^[A-Za-z0-9!_.'()-]+(\/[A-Za-z0-9!_.'()-]+)*$/;

/** Every problem with the account security inputs (values known only at plan time pass). */
export function accountSecurityIssues(input: AccountSecurityInput): Issue[] {
  const issues: Issue[] = [];
  if (literal(input.account) && !/^\d{12}$/.test(input.account)) {
    issues.push({
      path: ["account"],
      message: `${show(input.account)} is not an AWS account id (12 digits)`,
    });
  }
  if (literal(input.logBucketName)) {
    const problem = s3BucketNameProblem(input.logBucketName);
    if (problem !== undefined) {
      issues.push({
        path: ["logBucketName"],
        message: `${show(input.logBucketName)} is not an S3 bucket name: it ${problem}`,
      });
    }
  }
  if (literal(input.logBucketArn)) {
    const expected = literal(input.logBucketName)
      ? `arn:${input.partition}:s3:::${input.logBucketName}`
      : undefined;
    if (!/^arn:aws[a-z-]*:s3:::[^/]+$/.test(input.logBucketArn)) {
      issues.push({
        path: ["logBucketArn"],
        message: `${show(input.logBucketArn)} is not an S3 bucket ARN (arn:<partition>:s3:::<bucket>)`,
      });
    } else if (expected !== undefined && input.logBucketArn !== expected) {
      issues.push({
        path: ["logBucketArn"],
        message: `${show(input.logBucketArn)} is not the ARN of logBucketName; expected ${show(expected)}`,
      });
    }
  }
  const prefix = input.configKeyPrefix;
  if (literal(prefix) && prefix !== "" && !KEY_PREFIX.test(prefix)) {
    issues.push({
      path: ["configKeyPrefix"],
      message: `${show(prefix)} is not a key prefix AWS Config can deliver under; allowed: "" or path segments of letters, digits and ! _ . ' ( ) - separated by single "/", no leading or trailing "/"`,
    });
  }
  if (literal(input.criticalTopicArn)) {
    const topicRegion = input.criticalTopicArn.split(":")[3];
    if (!SNS_TOPIC_ARN.test(input.criticalTopicArn)) {
      issues.push({
        path: ["criticalTopicArn"],
        message: `${show(input.criticalTopicArn)} is not an SNS topic ARN (arn:<partition>:sns:<region>:<account>:<name>)`,
      });
    } else if (literal(input.region) && topicRegion !== input.region) {
      issues.push({
        path: ["criticalTopicArn"],
        message: `${show(input.criticalTopicArn)} is in ${topicRegion}; EventBridge rules deliver only to topics in their own region (${input.region})`,
      });
    }
  }
  return issues;
}
