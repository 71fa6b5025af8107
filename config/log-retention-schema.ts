import { z } from "zod";
import { LOG_RETENTION_DAYS, isLogRetentionDays } from "../lib/log-retention";

/** A CloudWatch Logs retention in days; one schema piece so every layer rejects the same values. */
export const retentionDays = z
  .number()
  .refine(
    isLogRetentionDays,
    `must be one of the values CloudWatch Logs accepts: ${LOG_RETENTION_DAYS.join(", ")}`,
  );
