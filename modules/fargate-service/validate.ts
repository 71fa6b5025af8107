import { createHash } from "node:crypto";
import {
  MOVING_TAGS,
  isImageTag,
  parameterArnProblem,
  parseImageReference,
  parseSecretArn,
} from "../../lib/references";
import { show, type Issue } from "../../lib/validation";
import { FARGATE_CPU_VALUES, describeMemory, memoryChoices } from "./fargate-sizes";
import type { FargateServiceSettings } from "./settings";

/** Variable names that carry credentials and so belong in `secrets`, never in `environment`. */
const SECRET_LOOKING = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const SERVICE_NAME = /^[a-z][a-z0-9-]{0,29}$/;
/** AWS caps target group names at 32 characters; the alternate (blue/green) one adds "-g". */
export const TARGET_GROUP_NAME_LIMIT = 32;
export const DATABASE_VARIABLES = [
  "DATABASE_HOST",
  "DATABASE_PORT",
  "DATABASE_NAME",
  "DATABASE_USER",
  "DATABASE_AUTH",
  "DATABASE_SSL",
];
/** A PostgreSQL role name that needs no quoting. */
const DB_USER = /^[a-z_][a-z0-9_]{0,62}$/;
/** Roles RDS or PostgreSQL own; a service must never log in as one. */
const RESERVED_DB_USERS = /^(postgres|rdsadmin|rds_.*|pg_.*|public|admin|root)$/;
/** Characters a change-safe target group name adds: "-" and 4 hex digits. */
export const TARGET_GROUP_HASH_LENGTH = 5;

export interface ServiceRuleContext {
  /** `<project>-<env>`, the prefix of every physical name. */
  readonly namePrefix: string;
  /**
   * Production refuses moving image tags.
   * @default false
   */
  readonly production?: boolean;
}

/**
 * The target group name of a service (and its blue/green alternate). It ends in a hash of the
 * attributes that force a replacement (port, protocol, target type), so a replacement gets a
 * new name and `create_before_destroy` can create it while the old one still exists.
 */
export function targetGroupName(
  prefix: string,
  service: string,
  port: number,
  alternate = false,
): string {
  const digest = createHash("sha256")
    .update(JSON.stringify([port, "HTTP", "ip"]))
    .digest("hex")
    .slice(0, TARGET_GROUP_HASH_LENGTH - 1);
  return `${prefix}-${service}${alternate ? "-g" : ""}-${digest}`;
}

/** `API_URL` for a callee named `api`: where Service Connect serves it. */
export function serviceUrlVariable(callee: string): string {
  return `${callee.toUpperCase().replaceAll("-", "_")}_URL`;
}

/** The service's database user: declared, else the service name with hyphens as underscores. */
export function databaseUserOf(s: FargateServiceSettings): string {
  return s.databaseUser ?? s.name.replaceAll("-", "_");
}

/** Every rule of one service; paths are relative to its settings. */
export function fargateServiceIssues(
  name: string,
  s: FargateServiceSettings,
  ctx: ServiceRuleContext,
): Issue[] {
  const issues: Issue[] = [];
  const add = (path: (string | number)[], message: string) => issues.push({ path, message });

  if (!SERVICE_NAME.test(name)) {
    add(
      [],
      `${show(name)} is not a service name: a lower-case letter, then up to 29 lower-case letters, digits or hyphens`,
    );
  } else if (!s.internal) {
    const longest = targetGroupName(ctx.namePrefix, name, s.port ?? 0, s.blueGreen.enabled);
    if (longest.length > TARGET_GROUP_NAME_LIMIT) {
      const room =
        TARGET_GROUP_NAME_LIMIT -
        ctx.namePrefix.length -
        1 -
        TARGET_GROUP_HASH_LENGTH -
        (s.blueGreen.enabled ? 2 : 0);
      add(
        [],
        `${show(name)} is too long: its target group ${show(longest)} would have ${longest.length} characters and AWS allows ${TARGET_GROUP_NAME_LIMIT}; use at most ${room} characters`,
      );
    }
  }
  if ((s.image === undefined) === (s.imageTag === undefined)) {
    add(
      ["imageTag"],
      (s.image === undefined
        ? "is missing and so is image: "
        : `${show(s.imageTag)} is given together with image ${show(s.image)}: `) +
        "give exactly one of imageTag (an immutable tag in the service's ECR repository) or image (a full reference)",
    );
  }
  issues.push(...imageIssues(s, ctx.production ?? false));
  if (s.port !== undefined && (!Number.isInteger(s.port) || s.port < 1 || s.port > 65535))
    add(["port"], `${show(s.port)} is not a TCP port (1..65535)`);
  if (!s.internal && s.port === undefined)
    add(
      ["port"],
      "is required: the ALB forwards to it (or set internal: true for a service without a route)",
    );
  if (!s.internal && s.healthCheckPath === undefined) {
    add(
      ["healthCheckPath"],
      "is required: the ALB's target group probes it (or set internal: true for a service without a route)",
    );
  }
  if (s.internal && s.blueGreen.enabled) {
    add(
      ["blueGreen", "enabled"],
      "true, but the service is internal: blue/green shifts ALB listener rules, and an internal service has none",
    );
  }
  if (s.internal && s.scaling.requestsPerTarget !== undefined) {
    add(
      ["scaling", "requestsPerTarget"],
      `${show(s.scaling.requestsPerTarget)} cannot be tracked: an internal service has no target group`,
    );
  }
  if (s.databaseUser !== undefined && !s.database)
    add(["databaseUser"], `${show(s.databaseUser)} is set, but database is false`);
  if (s.database) {
    const user = databaseUserOf(s);
    const at = s.databaseUser === undefined ? ["name"] : ["databaseUser"];
    if (!DB_USER.test(user)) {
      add(
        at,
        `${show(user)} is not a usable database user: a lower-case letter or "_", then up to 62 lower-case letters, digits or "_"`,
      );
    } else if (RESERVED_DB_USERS.test(user)) {
      add(
        at,
        `${show(user)} is a role RDS or PostgreSQL reserve (or the master user's); each service logs in as its own user`,
      );
    }
  }
  const hc = s.containerHealthCheck;
  if (hc.command !== undefined && !["CMD", "CMD-SHELL", "NONE"].includes(hc.command[0])) {
    add(
      ["containerHealthCheck", "command", 0],
      `${show(hc.command[0])} must be "CMD" (exec form), "CMD-SHELL" (run by /bin/sh) or "NONE"`,
    );
  }
  if (hc.timeoutSeconds >= hc.intervalSeconds) {
    add(
      ["containerHealthCheck", "timeoutSeconds"],
      `${show(hc.timeoutSeconds)} must be shorter than intervalSeconds (${hc.intervalSeconds})`,
    );
  }
  const timeoutFloor = (s.blueGreen.enabled ? s.blueGreen.bakeTimeMinutes : 0) + 10;
  if (s.deploymentTimeoutMinutes < timeoutFloor) {
    add(
      ["deploymentTimeoutMinutes"],
      `${show(s.deploymentTimeoutMinutes)} leaves no room for a deployment: allow at least ${timeoutFloor} minutes${s.blueGreen.enabled ? ` (bake time ${s.blueGreen.bakeTimeMinutes} + 10)` : ""}`,
    );
  }

  const memory = memoryChoices(s.cpu);
  if (memory === undefined) {
    add(
      ["cpu"],
      `${show(s.cpu)} is not a Fargate CPU value; allowed: ${FARGATE_CPU_VALUES.join(", ")}`,
    );
  } else if (!memory.includes(s.memory)) {
    add(
      ["memory"],
      `${show(s.memory)} MiB does not pair with cpu ${s.cpu}; Fargate allows ${describeMemory(s.cpu)}`,
    );
  }

  const health = s.healthCheckPath;
  if (health !== undefined && !health.startsWith("/"))
    add(["healthCheckPath"], `${show(health)} must start with "/"`);
  const prefix = s.globalPrefix;
  if (prefix !== undefined && !/^\/[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/.test(prefix)) {
    add(["globalPrefix"], `${show(prefix)} must be a path such as "/api" (no trailing slash)`);
  } else if (
    prefix !== undefined &&
    health !== undefined &&
    health.startsWith("/") &&
    health !== prefix &&
    !health.startsWith(`${prefix}/`)
  ) {
    add(
      ["healthCheckPath"],
      `${show(health)} is outside the service's globalPrefix ${show(prefix)}: the application serves ${show(`${prefix}${health}`)}, so every check would fail; use that path (or exclude the health route from the prefix in the app and drop globalPrefix here)`,
    );
  }
  if (!/^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/.test(s.healthCheckMatcher)) {
    add(
      ["healthCheckMatcher"],
      `${show(s.healthCheckMatcher)} must be HTTP codes such as "200" or "200-399"`,
    );
  }

  for (const key of Object.keys(s.environment)) {
    if (!ENV_NAME.test(key))
      add(["environment", key], `${show(key)} is not a valid environment variable name`);
    else if (SECRET_LOOKING.test(key)) {
      add(
        ["environment", key],
        `${show(key)} looks like a credential; plaintext environment values end up in the task definition for anyone with read access. Move it to secrets (Secrets Manager or SSM)`,
      );
    }
    if (key in s.secrets)
      add(["environment", key], `${show(key)} is also a secret; give each variable once`);
    if (s.database && DATABASE_VARIABLES.includes(key))
      add(["environment", key], `${show(key)} is set by database: true`);
  }
  for (const [key, source] of Object.entries(s.secrets)) {
    if ("secretArn" in source) {
      const parsed = parseSecretArn(source.secretArn);
      if (!parsed.ok)
        add(["secrets", key, "secretArn"], `${show(source.secretArn)} ${parsed.problem}`);
      else if (parsed.secret.jsonKey !== undefined && source.jsonKey !== undefined) {
        add(
          ["secrets", key, "jsonKey"],
          `${show(source.jsonKey)} repeats the JSON key the ARN already selects (${show(parsed.secret.jsonKey)}); give it once`,
        );
      }
    } else {
      const problem = parameterArnProblem(source.ssmParameterArn);
      if (problem !== undefined)
        add(["secrets", key, "ssmParameterArn"], `${show(source.ssmParameterArn)} ${problem}`);
    }
    if (!ENV_NAME.test(key))
      add(["secrets", key], `${show(key)} is not a valid environment variable name`);
    if (s.database && DATABASE_VARIABLES.includes(key))
      add(["secrets", key], `${show(key)} is set by database: true`);
  }

  const sc = s.scaling;
  if (sc.minTasks > sc.maxTasks)
    add(["scaling", "minTasks"], `${show(sc.minTasks)} is above maxTasks (${sc.maxTasks})`);
  for (const key of ["cpuTarget", "memoryTarget"] as const) {
    if (sc[key] < 10 || sc[key] > 90)
      add(["scaling", key], `${show(sc[key])} is not a sensible target; use 10..90 (%)`);
  }
  if (sc.requestsPerTarget !== undefined && s.blueGreen.enabled) {
    add(
      ["scaling", "requestsPerTarget"],
      `${show(sc.requestsPerTarget)} cannot be tracked with blue/green: the metric follows one target group while ECS moves traffic between two; scale on CPU and memory`,
    );
  }
  if (/^(root|0)(:|$)/.test(s.user))
    add(
      ["user"],
      `${show(s.user)} runs the container as root; use a non-root user such as "1000:1000"`,
    );
  if (s.slowStartSeconds !== 0 && (s.slowStartSeconds < 30 || s.slowStartSeconds > 900)) {
    add(["slowStartSeconds"], `${show(s.slowStartSeconds)} must be 0 (off) or 30..900 seconds`);
  }
  s.taskPermissions.forEach((st, i) => {
    st.actions.forEach((action, j) => {
      if (action !== "*" && !/^[a-z0-9-]+:[A-Za-z0-9*]+$/.test(action)) {
        add(
          ["taskPermissions", i, "actions", j],
          `${show(action)} is not an IAM action such as "s3:GetObject"`,
        );
      }
    });
    if (st.actions.some((a) => a === "*" || a.endsWith(":*")) && st.resources.includes("*")) {
      add(
        ["taskPermissions", i],
        `grants ${show(st.actions.join(","))} on "*"; name the resources or the actions`,
      );
    }
  });
  return issues;
}

/**
 * `imageTag` goes to the service's own ECR repository, which is IMMUTABLE: a tag is pushed
 * once, so a moving tag such as "latest" can never be updated there. `image` may come from any
 * registry; production pins it to a version tag or a digest so a redeploy never changes code.
 */
function imageIssues(s: FargateServiceSettings, production: boolean): Issue[] {
  const issues: Issue[] = [];
  if (s.imageTag !== undefined) {
    if (!isImageTag(s.imageTag)) {
      issues.push({
        path: ["imageTag"],
        message: `${show(s.imageTag)} is not an image tag: a letter, digit or _ followed by up to 127 letters, digits, _, . or - (no spaces, no colon)`,
      });
    } else if (MOVING_TAGS.includes(s.imageTag)) {
      issues.push({
        path: ["imageTag"],
        message: `${show(s.imageTag)} is a moving tag, but the service's ECR repository is IMMUTABLE: the tag can be pushed only once. Use a version or commit tag such as "1.4.2"`,
      });
    }
  }
  if (s.image !== undefined) {
    const parsed = parseImageReference(s.image);
    if (!parsed.ok) {
      issues.push({
        path: ["image"],
        message: `${show(s.image)} is not an image reference: it ${parsed.problem}`,
      });
    } else if (production && parsed.image.digest === undefined) {
      const tag = parsed.image.tag;
      if (tag === undefined || MOVING_TAGS.includes(tag)) {
        issues.push({
          path: ["image"],
          message: `${show(s.image)} ${tag === undefined ? 'has no tag (it means "latest")' : `uses the moving tag ${show(tag)}`}; production pins a version tag or a digest (@sha256:...) so a redeploy never changes the code that runs`,
        });
      }
    }
  }
  return issues;
}
