import { z } from "zod";
import { type LogRetentionDays } from "../lib/log-retention";
import { retentionDays } from "./log-retention-schema";
import type { AlbSettings } from "../modules/alb/settings";
import {
  DEFAULT_ERROR_PATTERN,
  DEFAULT_ROUTER_IMAGE_TAG,
  type LogRouterSettings,
} from "../modules/log-router/settings";
import type {
  FargateServiceSettings,
  RepositorySettings,
} from "../modules/fargate-service/settings";

/*
 * Shape and defaults of `environments.<env>.services`. Cross-field rules live next to the
 * modules (fargate-service/validate.ts, alb/routing.ts); meanings and defaults are documented
 * on the settings interfaces.
 */
const secretSource = z.union([
  z.strictObject({
    secretArn: z
      .string()
      .startsWith(
        "arn:",
        "must be a Secrets Manager secret ARN: arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>",
      ),
    jsonKey: z.string().optional(),
  }),
  z.strictObject({
    ssmParameterArn: z
      .string()
      .startsWith(
        "arn:",
        "must be an SSM parameter ARN: arn:aws:ssm:<region>:<account>:parameter/<name>",
      ),
  }),
]);

export const ContainerHealthCheckSchema = z.strictObject({
  enabled: z.boolean().default(true),
  command: z.array(z.string()).min(1).optional(),
  intervalSeconds: z.number().int().min(5).max(300).default(30),
  timeoutSeconds: z.number().int().min(2).max(60).default(5),
  retries: z.number().int().min(1).max(10).default(3),
  startPeriodSeconds: z.number().int().min(0).max(300).default(60),
});

export const FargateServiceSchema = z.strictObject({
  name: z.string(),
  imageTag: z.string().optional(),
  image: z.string().optional(),
  imagePending: z.boolean().default(false),
  internal: z.boolean().default(false),
  port: z.number().int().optional(),
  calls: z.array(z.string()).default([]),
  cpu: z.number().int(),
  memory: z.number().int(),
  healthCheckPath: z.string().optional(),
  healthCheckMatcher: z.string().default("200-399"),
  globalPrefix: z.string().optional(),
  containerHealthCheck: ContainerHealthCheckSchema.default({
    enabled: true,
    intervalSeconds: 30,
    timeoutSeconds: 5,
    retries: 3,
    startPeriodSeconds: 60,
  }),
  environment: z.record(z.string(), z.string()).default({}),
  secrets: z.record(z.string(), secretSource).default({}),
  database: z.boolean().default(false),
  databaseUser: z.string().optional(),
  stickiness: z.boolean().default(false),
  deregistrationDelaySeconds: z.number().int().min(0).max(3600).default(30),
  slowStartSeconds: z.number().int().default(0),
  healthCheckGracePeriodSeconds: z.number().int().min(0).max(2147483647).default(60),
  waitForSteadyState: z.boolean().default(true),
  deploymentTimeoutMinutes: z.number().int().min(5).max(600).default(30),
  scaling: z.strictObject({
    minTasks: z.number().int().min(0),
    maxTasks: z.number().int().min(1),
    cpuTarget: z.number().default(70),
    memoryTarget: z.number().default(70),
    requestsPerTarget: z.number().int().positive().optional(),
    scaleOutCooldownSeconds: z.number().int().min(0).default(60),
    scaleInCooldownSeconds: z.number().int().min(0).default(300),
  }),
  user: z.string().default("1000:1000"),
  /** @default the environment's logRetentionDays */
  logRetentionDays: retentionDays.optional(),
  logRouter: z.boolean().default(false),
  execEnabled: z.boolean().default(false),
  internetEgress: z.boolean().default(false),
  taskPermissions: z
    .array(
      z.strictObject({
        actions: z.array(z.string()).min(1),
        resources: z.array(z.string()).min(1),
      }),
    )
    .default([]),
  blueGreen: z
    .strictObject({
      enabled: z.boolean().default(false),
      bakeTimeMinutes: z.number().int().min(0).max(1440).default(5),
    })
    .default({ enabled: false, bakeTimeMinutes: 5 }),
});

/** The environment's image repositories (ECR layer). */
export const RepositoriesSchema = z
  .strictObject({
    untaggedExpiryDays: z.number().int().min(1).max(3650).default(14),
    scratchTagPrefixes: z.array(z.string().min(1)).default(["dev-", "pr-", "sha-"]),
    keepScratchImages: z.number().int().min(1).max(1000).default(20),
  })
  .default({
    untaggedExpiryDays: 14,
    scratchTagPrefixes: ["dev-", "pr-", "sha-"],
    keepScratchImages: 20,
  });

/** `services.logRouter`: the FireLens router of the services that opt in. */
export const LogRouterSchema = z
  .strictObject({
    imageTag: z.string().default(DEFAULT_ROUTER_IMAGE_TAG),
    image: z.string().optional(),
    pullThroughCachePrefix: z.string().default("ecr-public"),
    errorPattern: z.string().default(DEFAULT_ERROR_PATTERN),
    keyPrefix: z.string().default("services"),
    hourlyPartitions: z.boolean().default(false),
    totalFileSizeMB: z.number().default(50),
    uploadTimeoutMinutes: z.number().default(2),
    memoryReservationMiB: z.number().int().min(6).default(50),
    cpu: z.number().int().min(0).default(0),
    archiveTable: z.boolean().default(true),
    errorAlarm: z
      .strictObject({
        threshold: z.number().min(0).default(0),
        periods: z.number().int().min(1).max(60).default(5),
        datapointsToAlarm: z.number().int().min(1).default(1),
      })
      .prefault({}),
  })
  .prefault({});

const listener = z.union([
  z.strictObject({ protocol: z.literal("https"), certificateArn: z.string() }),
  z.strictObject({ protocol: z.literal("https"), domain: z.string(), hostedZoneId: z.string() }),
  z.strictObject({
    protocol: z.literal("http"),
    reason: z.string().min(10, "say why this environment serves plain HTTP"),
  }),
]);

export const AlbSchema = z.strictObject({
  listener,
  idleTimeoutSeconds: z.number().int().min(1).max(4000).default(300),
  ingressCidrs: z.array(z.string()).min(1).default(["0.0.0.0/0"]),
  accessLogs: z.boolean().default(true),
  wafWebAclArn: z.string().startsWith("arn:", "must be a WAFv2 web ACL ARN").optional(),
  testListenerPort: z.number().int().default(8080),
  testListenerCidrs: z.array(z.string()).optional(),
});

export const RouteSchema = z.strictObject({
  service: z.string(),
  paths: z.array(z.string()).optional(),
  hosts: z.array(z.string()).optional(),
  priority: z.number().int().optional(),
});

export const ServicesSchema = z.strictObject({
  cluster: z
    .strictObject({
      containerInsights: z.enum(["enhanced", "enabled", "disabled"]).default("enabled"),
      fargateBase: z.number().int().min(0).max(100000).default(1),
      fargateWeight: z.number().int().min(0).max(1000).default(1),
      spotWeight: z.number().int().min(0).max(1000).default(0),
      /** @default the environment's logRetentionDays */
      execLogRetentionDays: retentionDays.optional(),
    })
    .prefault({}),
  alb: AlbSchema,
  repositories: RepositoriesSchema,
  logRouter: LogRouterSchema,
  services: z.array(FargateServiceSchema),
  routes: z.array(RouteSchema),
});

type Assignable<A, B> = [A] extends [B] ? true : false;
// The log retention falls back on the environment's, so it is resolved later (config/resolve.ts).
export const serviceSchemaMatchesSettings: Assignable<
  Omit<z.output<typeof FargateServiceSchema>, "logRetentionDays"> & {
    logRetentionDays: LogRetentionDays;
  },
  FargateServiceSettings
> = true;
export const repositoriesSchemaMatchesSettings: Assignable<
  z.output<typeof RepositoriesSchema>,
  RepositorySettings
> = true;
export const logRouterSchemaMatchesSettings: Assignable<
  z.output<typeof LogRouterSchema>,
  LogRouterSettings
> = true;
export const albSchemaMatchesSettings: Assignable<z.output<typeof AlbSchema>, AlbSettings> = true;
