import { z } from "zod";
import { type LogRetentionDays } from "../lib/log-retention";
import { retentionDays } from "./log-retention-schema";
import type { OperationsSettings } from "../modules/observability/settings";

/** Shape and defaults of `environments.<env>.operations` (documented on OperationsSettings). */
const email = z.email("must be an e-mail address");

export const OperationsSchema = z.strictObject({
  alarmEmails: z
    .strictObject({ critical: z.array(email).default([]), warning: z.array(email).default([]) })
    .default({ critical: [], warning: [] }),
  thresholds: z
    .strictObject({
      alb5xxPercent: z.number().positive().max(100).default(5),
      albTargetResponseSeconds: z.number().positive().default(2),
      ecsCpuPercent: z.number().positive().max(100).default(90),
      ecsMemoryPercent: z.number().positive().max(100).default(90),
      dbCpuPercent: z.number().positive().max(100).default(80),
      dbFreeableMemoryMiB: z.number().positive().default(256),
      dbConnections: z.number().int().positive().default(400),
      dbFreeStorageGiB: z.number().positive().default(5),
    })
    .prefault({}),
  waf: z
    .strictObject({
      /** @default on in production and behind CloudFront (config/resolve.ts) */
      enabled: z.boolean().optional(),
      rateLimit: z.number().int().min(10).max(2_000_000_000).default(2000),
    })
    .prefault({}),
  logBucket: z
    .strictObject({
      glacierAfterDays: z.number().int().min(1).default(90),
      expireAfterDays: z.number().int().min(2).default(365),
    })
    .prefault({}),
  /** @default the environment's logRetentionDays */
  logRetentionDays: retentionDays.optional(),
  recordGlobalResources: z.boolean().default(true),
  trail: z
    .strictObject({
      enabled: z.boolean().default(true),
      cloudWatchLogs: z.boolean().default(true),
      keyPrefix: z.string().default("cloudtrail"),
    })
    .prefault({}),
  budget: z
    .strictObject({
      monthlyLimitUsd: z.number().positive("must be a positive amount of US dollars"),
      actualAlertPercents: z.array(z.number().positive().max(1000)).default([80, 100]),
      forecastAlertPercent: z
        .union([z.number().positive().max(1000), z.literal(false)])
        .default(100),
      emails: z.array(email).default([]),
      scope: z.enum(["account", "environment-tag"]).default("account"),
    })
    .optional(),
});

type Output = z.output<typeof OperationsSchema>;
// The WAF and log retention defaults depend on the environment, so they are resolved later
// (config/resolve.ts).
type Assignable<A, B> = [A] extends [B] ? true : false;
export const operationsSchemaMatchesSettings: Assignable<
  Omit<Output, "waf" | "logRetentionDays"> & {
    waf: { enabled: boolean; rateLimit: number };
    logRetentionDays: LogRetentionDays;
  },
  OperationsSettings
> = true;
