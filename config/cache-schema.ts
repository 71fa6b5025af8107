import { z } from "zod";
import type { CacheSettings } from "../modules/cache/settings";

/** Shape and defaults of `environments.<env>.cache` (documented on CacheSettings). */
const window =
  /^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$/;

export const CacheSchema = z
  .strictObject({
    engine: z.enum(["valkey", "redis"]).default("valkey"),
    engineVersion: z
      .string()
      .regex(/^\d+\.\d+$/, 'must be a major.minor version such as "8.0"')
      .optional(),
    nodeType: z
      .string()
      .regex(
        /^cache\.[a-z0-9]+\.[a-z0-9]+$/,
        'must be an ElastiCache node type such as "cache.t4g.micro"',
      )
      .default("cache.t4g.micro"),
    replicas: z.number().int().min(0).max(5).default(0),
    snapshotRetentionDays: z.number().int().min(0).max(35).default(1),
    snapshotWindow: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, 'must be "hh:mm-hh:mm" (UTC)')
      .default("17:00-18:00"),
    maintenanceWindow: z
      .string()
      .regex(window, 'must be "ddd:hh:mm-ddd:hh:mm" (UTC), e.g. "sun:18:00-sun:19:00"')
      .default("sun:18:00-sun:19:00"),
    parameters: z.record(z.string(), z.string()).default({ "maxmemory-policy": "volatile-lru" }),
    allowFrom: z.array(z.string()).default([]),
    alarms: z
      .strictObject({
        cpuPercent: z.number().positive().max(100).default(80),
        memoryPercent: z.number().positive().max(100).default(80),
        evictions: z.number().int().min(0).default(100),
        connections: z.number().int().positive().default(1000),
      })
      .prefault({}),
  })
  .transform((c) => ({
    ...c,
    // The default version follows the engine, so it is resolved here, once.
    engineVersion: c.engineVersion ?? (c.engine === "valkey" ? "8.0" : "7.1"),
  }));

export type CacheConfig = z.output<typeof CacheSchema>;
type Assignable<A, B> = [A] extends [B] ? true : false;
export const cacheSchemaMatchesSettings: Assignable<CacheConfig, CacheSettings> = true;
