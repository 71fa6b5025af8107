// Kept apart from the constructs that write there: config/ reserves these prefixes when it
// validates, and must not load construct or provider code to do so.

/** Prefix the ALB writes its access logs under in the central log bucket. */
export const ALB_LOG_PREFIX = "alb";

/** Prefix of CloudFront's access logs in the central log bucket. */
export const CDN_LOG_PREFIX = "cloudfront";

/** Where Athena writes query results in the central log bucket. */
export const ATHENA_RESULTS_PREFIX = "athena-results";
