import { z } from "zod";
import { type LogRetentionDays } from "../lib/log-retention";
import { retentionDays } from "./log-retention-schema";
import type { DatabaseSettings } from "../modules/database/settings";

/*
 * Shape and defaults of `environments.<env>.database`. Cross-field and production rules live
 * in modules/database/validate.ts, shared with the constructs. Field meanings and defaults are
 * documented once, on the interfaces in modules/database/settings.ts.
 */
const common = {
  engineVersion: z.string(),
  databaseName: z.string().default("app"),
  masterUsername: z.string().default("platform_admin"),
  port: z.number().int().default(5432),
  backup: z.strictObject({
    retentionDays: z.number().int().min(1).max(35),
    window: z.string().default("16:00-17:00"),
  }),
  maintenanceWindow: z.string().default("sun:17:00-sun:18:00"),
  deletionProtection: z.boolean(),
  preventDestroy: z.boolean(),
  skipFinalSnapshot: z.boolean().default(false),
  iamAuthentication: z.boolean().default(true),
  autoMinorVersionUpgrade: z.boolean().default(true),
  majorVersionUpgrade: z.boolean().default(false),
  extendedSupport: z.boolean().default(false),
  logs: z
    .strictObject({
      /** @default the environment's logRetentionDays */
      retentionDays: retentionDays.optional(),
      statement: z.enum(["none", "ddl", "mod", "all"]).default("ddl"),
      minDurationMs: z.number().int().default(1000),
    })
    .prefault({}),
  performanceInsights: z
    .strictObject({
      enabled: z.boolean().default(true),
      retentionDays: z.number().int().default(7),
    })
    .default({ enabled: true, retentionDays: 7 }),
  monitoringIntervalSeconds: z.number().int().default(60),
};

export const AuroraSchema = z.strictObject({
  ...common,
  engine: z.literal("aurora-postgresql"),
  instanceClass: z.string(),
  readers: z.number().int().min(0).max(15).default(0),
  serverless: z
    .strictObject({
      minCapacity: z.number(),
      maxCapacity: z.number(),
      secondsUntilAutoPause: z.number().int().optional(),
    })
    .optional(),
  readerAutoscaling: z
    .strictObject({
      minReaders: z.number().int().min(0).max(15),
      maxReaders: z.number().int().min(1).max(15),
      metric: z.enum(["cpu", "connections"]).default("cpu"),
      target: z.number().positive().default(70),
      scaleInCooldownSeconds: z.number().int().min(0).default(300),
      scaleOutCooldownSeconds: z.number().int().min(0).default(60),
    })
    .optional(),
});

export const PostgresSchema = z.strictObject({
  ...common,
  engine: z.literal("postgres"),
  instanceClass: z.string(),
  allocatedStorageGb: z.number().int().min(20).max(65536).default(20),
  maxAllocatedStorageGb: z.number().int().min(0).max(65536).default(100),
  multiAz: z.boolean().default(false),
});

export const DatabaseSchema = z.discriminatedUnion("engine", [AuroraSchema, PostgresSchema]);

// The schema's output must be exactly what the module documents and consumes, once the log
// retention (which falls back on the environment's) is resolved (config/resolve.ts).
type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type WithRetention<T> = T extends { logs: infer L }
  ? Omit<T, "logs"> & { logs: Omit<L, "retentionDays"> & { retentionDays: LogRetentionDays } }
  : never;
export const databaseSchemaMatchesSettings: Equal<
  WithRetention<z.output<typeof DatabaseSchema>>,
  DatabaseSettings
> = true;
