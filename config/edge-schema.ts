import { z } from "zod";
import type { LogRetentionDays } from "../lib/log-retention";
import { retentionDays } from "./log-retention-schema";
import type { EdgeSettings } from "../modules/cdn/settings";

/** Shape and defaults of `environments.<env>.edge` (documented on EdgeSettings). */
const pathPattern = z
  .string()
  .regex(
    /^\/[A-Za-z0-9_\-.*$/~"'@:+&]*$/,
    'must be a CloudFront path pattern starting with "/" (letters, digits, _ - . * $ / ~ " \' @ : + &)',
  )
  .max(255);

export const EdgeSchema = z.strictObject({
  domain: z
    .string()
    .regex(
      /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
      "must be a lower-case DNS name such as app.example.com",
    ),
  hostedZoneId: z.string().regex(/^Z[A-Z0-9]{1,31}$/, "must be a Route 53 hosted zone id (Z...)"),
  originDomain: z
    .string()
    .regex(
      /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
      "must be a lower-case DNS name such as origin.app.example.com",
    )
    .optional(),
  priceClass: z
    .enum(["PriceClass_100", "PriceClass_200", "PriceClass_All"])
    .default("PriceClass_200"),
  staticPaths: z.array(pathPattern).default(["/_next/static/*"]),
  staticMaxAgeSeconds: z.number().int().min(60).max(31536000).default(31536000),
  uncachedPaths: z.array(pathPattern).default(["/api/*", "/socket.io/*"]),
  hsts: z
    .strictObject({
      maxAgeSeconds: z.number().int().min(0).max(63072000).default(63072000),
      includeSubdomains: z.boolean().default(true),
      preload: z.boolean().default(false),
    })
    .prefault({}),
  waf: z
    .strictObject({
      /** @default on in production (config/resolve.ts) */
      enabled: z.boolean().optional(),
      rateLimit: z.number().int().min(10).max(2_000_000_000).default(2000),
    })
    .prefault({}),
  accessLogs: z.boolean().default(true),
  /** @default the environment's logRetentionDays */
  logRetentionDays: retentionDays.optional(),
  media: z
    .strictObject({
      pathPattern: pathPattern.default("/media/*"),
      maxAgeSeconds: z.number().int().min(0).max(31536000).default(86400),
    })
    .optional(),
});

export type EdgeConfig = z.output<typeof EdgeSchema>;

type Assignable<A, B> = [A] extends [B] ? true : false;
// waf.enabled and the log retention depend on the environment, so they are resolved later.
export const edgeSchemaMatchesSettings: Assignable<
  Omit<EdgeConfig, "waf" | "logRetentionDays"> & {
    waf: { enabled: boolean; rateLimit: number };
    logRetentionDays: LogRetentionDays;
  },
  EdgeSettings
> = true;
