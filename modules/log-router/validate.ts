import { MOVING_TAGS, isImageTag, parseImageReference } from "../../lib/references";
import { show, type Issue } from "../../lib/validation";
import { regexProblem } from "./fluent-bit-check";
import { DEFAULT_ROUTER_IMAGE_TAG, LOG_ROUTER_CONTAINER, type LogRouterSettings } from "./settings";

/** What the rules need to know of the environment. */
export interface LogRouterRuleContext {
  /**
   * Production refuses moving image tags.
   * @default false
   */
  readonly production?: boolean;
  /**
   * Key prefixes other producers write under in the log bucket (ALB, CloudTrail).
   * @default []
   */
  readonly reservedPrefixes?: readonly string[];
}

/** A pull-through cache rule's repository prefix, as ECR accepts it. */
const CACHE_PREFIX = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;
const KEY_PREFIX = /^[a-z0-9][a-z0-9_-]*(?:\/[a-z0-9][a-z0-9_-]*)*$/;
/** Moving tags of the AWS for Fluent Bit image family. */
const MOVING_ROUTER_TAGS = [
  ...MOVING_TAGS,
  ...MOVING_TAGS.map((t) => `init-${t}`),
  ...MOVING_TAGS.map((t) => `debug-${t}`),
];

/** Rules of `services.logRouter`; paths are relative to it. */
export function logRouterIssues(s: LogRouterSettings, ctx: LogRouterRuleContext): Issue[] {
  const issues: Issue[] = [];
  const add = (path: (string | number)[], message: string) => issues.push({ path, message });
  const production = ctx.production ?? false;

  if (s.image === undefined) {
    if (!isImageTag(s.imageTag)) {
      add(["imageTag"], `${show(s.imageTag)} is not an image tag`);
    } else if (!s.imageTag.startsWith("init-")) {
      add(
        ["imageTag"],
        `${show(s.imageTag)} is not an init image tag (init-<version>): only the init image loads the generated configuration from S3 on Fargate`,
      );
    } else if (production && MOVING_ROUTER_TAGS.includes(s.imageTag)) {
      add(
        ["imageTag"],
        `${show(s.imageTag)} is a moving tag; production pins a version such as ${show(DEFAULT_ROUTER_IMAGE_TAG)} so a new task never runs a different router`,
      );
    }
  } else {
    const parsed = parseImageReference(s.image);
    if (!parsed.ok) {
      add(["image"], `${show(s.image)} is not an image reference: it ${parsed.problem}`);
    } else if (production && parsed.image.digest === undefined) {
      const tag = parsed.image.tag;
      if (tag === undefined || MOVING_ROUTER_TAGS.includes(tag)) {
        add(
          ["image"],
          `${show(s.image)} ${tag === undefined ? 'has no tag (it means "latest")' : `uses the moving tag ${show(tag)}`}; production pins a version tag or a digest`,
        );
      }
    }
  }
  if (
    !CACHE_PREFIX.test(s.pullThroughCachePrefix) ||
    s.pullThroughCachePrefix.length < 2 ||
    s.pullThroughCachePrefix.length > 30
  ) {
    add(
      ["pullThroughCachePrefix"],
      `${show(s.pullThroughCachePrefix)} is not an ECR repository prefix: 2 to 30 lower-case letters, digits, ".", "_", "-" (and "/")`,
    );
  }
  if (s.errorPattern.length === 0 || /\s/.test(s.errorPattern)) {
    add(
      ["errorPattern"],
      `${show(s.errorPattern)} must be a non-empty regular expression without spaces (Fluent Bit's rewrite_tag rule splits on them); use \\s for a space`,
    );
  } else if (s.errorPattern.startsWith('"')) {
    add(
      ["errorPattern"],
      `${show(s.errorPattern)} starts with a double quote, which Fluent Bit's rule parser takes for a quoted field; start with (?i) or a group`,
    );
  } else {
    const problem = regexProblem(s.errorPattern);
    if (problem !== undefined) add(["errorPattern"], `${show(s.errorPattern)} ${problem}`);
  }
  if (!KEY_PREFIX.test(s.keyPrefix)) {
    add(
      ["keyPrefix"],
      `${show(s.keyPrefix)} is not a key prefix: lower-case path segments of letters, digits, "_" and "-", without leading or trailing "/"`,
    );
  } else {
    const clash = (ctx.reservedPrefixes ?? []).find(
      (p) =>
        s.keyPrefix === p || s.keyPrefix.startsWith(`${p}/`) || p.startsWith(`${s.keyPrefix}/`),
    );
    if (clash !== undefined) {
      add(
        ["keyPrefix"],
        `${show(s.keyPrefix)} overlaps ${show(clash)}, where another producer writes in the log bucket; choose another prefix`,
      );
    }
  }
  if (s.totalFileSizeMB < 1 || s.totalFileSizeMB > 1000 || !Number.isInteger(s.totalFileSizeMB)) {
    add(
      ["totalFileSizeMB"],
      `${show(s.totalFileSizeMB)} is outside 1..1000: Fluent Bit's S3 output uploads each object with one PutObject, which it caps at 1000000000 bytes (its M is 1000000)`,
    );
  }
  if (
    s.uploadTimeoutMinutes < 1 ||
    s.uploadTimeoutMinutes > 60 ||
    !Number.isInteger(s.uploadTimeoutMinutes)
  ) {
    add(
      ["uploadTimeoutMinutes"],
      `${show(s.uploadTimeoutMinutes)} is outside 1..60 minutes: longer keeps unarchived lines in the task, where a stopped task loses them`,
    );
  }
  if (s.errorAlarm.datapointsToAlarm > s.errorAlarm.periods) {
    add(
      ["errorAlarm", "datapointsToAlarm"],
      `${show(s.errorAlarm.datapointsToAlarm)} is more than errorAlarm.periods (${s.errorAlarm.periods}): the alarm could never fire`,
    );
  }
  return issues;
}

/** Rules of one service that opts in; paths are relative to the service's settings. */
export function serviceLogRouterIssues(
  service: { readonly name: string; readonly cpu: number; readonly memory: number },
  s: LogRouterSettings,
): Issue[] {
  const issues: Issue[] = [];
  if (service.name === LOG_ROUTER_CONTAINER) {
    issues.push({
      path: ["logRouter"],
      message: `true, but the service is named ${show(LOG_ROUTER_CONTAINER)} like the router container; rename the service`,
    });
  }
  if (s.memoryReservationMiB * 2 > service.memory) {
    issues.push({
      path: ["logRouter"],
      message: `true, but the router's memoryReservationMiB (${s.memoryReservationMiB}) is more than half of the task's memory (${service.memory} MiB); lower services.logRouter.memoryReservationMiB or raise memory`,
    });
  }
  if (s.cpu * 2 > service.cpu) {
    issues.push({
      path: ["logRouter"],
      message: `true, but the router's cpu (${s.cpu}) is more than half of the task's cpu (${service.cpu}); lower services.logRouter.cpu or raise cpu`,
    });
  }
  return issues;
}
