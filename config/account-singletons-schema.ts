import { z } from "zod";

/*
 * The config shape of account-wide singletons, apart from their rules (account-singletons.ts),
 * which read the validated environment: config/schema.ts imports this file, the rules import
 * config/schema.ts, and neither imports the other back.
 */

/** Every account-wide singleton the platform can create. */
export const ACCOUNT_SINGLETON_NAMES = [
  "githubOidcProvider",
  "guardDutyDetector",
  "configRecorder",
  "configServiceLinkedRole",
  "hcpOidcProvider",
  "cloudTrail",
  "ecrPullThroughCache",
] as const;
export type AccountSingleton = (typeof ACCOUNT_SINGLETON_NAMES)[number];

const mode = z.union([
  z.literal("create"),
  z.literal("reference"),
  z.strictObject({ adopt: z.string().min(1, "must be the existing resource's import id") }),
]);

/**
 * `environments.<env>.accountSingletons`: how the environment treats each account-wide
 * singleton; unlisted ones are "create".
 */
export const AccountSingletonsSchema = z.partialRecord(z.enum(ACCOUNT_SINGLETON_NAMES), mode);
