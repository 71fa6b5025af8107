import { z } from "zod";
import { s3BucketNameProblem } from "../lib/aws-names";
import { closestRegion, zonesOf } from "./aws-catalog/regions";
import { retentionDays } from "./log-retention-schema";
import { GATEWAY_ENDPOINT_SERVICES } from "../modules/network/endpoint-services";
import { DatabaseSchema } from "./database-schema";
import { DcvSchema } from "./dcv-schema";
import { CacheSchema } from "./cache-schema";
import { EdgeSchema } from "./edge-schema";
import { OperationsSchema } from "./operations-schema";
import { ServicesSchema } from "./services-schema";
import { AccountSingletonsSchema } from "./account-singletons-schema";
import { CloudStateSchema } from "./hcp-schema";

export { CloudStateSchema, type CloudStateConfig } from "./hcp-schema";

/*
 * The schema is the contract of config/<env>.ts. Strict objects everywhere: a misspelt key
 * is an error, not a silently ignored setting.
 */

const slug = (what: string, max: number) =>
  z
    .string()
    .regex(
      new RegExp(`^[a-z][a-z0-9]{0,${max - 1}}$`),
      `${what} must be 1-${max} characters: a lower-case letter, then lower-case letters or digits`,
    );

const region = z.string().superRefine((name, ctx) => {
  if (zonesOf(name) !== undefined) return;
  const hint = closestRegion(name);
  ctx.addIssue({
    code: "custom",
    message:
      (/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/.test(name)
        ? "is not a region in config/aws-catalog/regions.ts (add it there with its AZs if AWS has opened it)"
        : "is not an AWS region code such as ap-northeast-1") +
      (hint === undefined ? "" : `; did you mean ${JSON.stringify(hint)}?`),
  });
});

// The characters every service accepts in tags (some, EC2 among them, accept more).
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const TAG_CHARACTERS_ALLOWED = "letters, digits, spaces and + - = . _ : / @";

const tagKey = z
  .string()
  .min(1)
  .max(128)
  .refine(
    (k) => !k.toLowerCase().startsWith("aws:"),
    "tag keys starting with aws: are reserved for AWS's own tags; choose a key without that prefix",
  )
  .refine((k) => TAG_CHARACTERS.test(k), `tag keys may hold only ${TAG_CHARACTERS_ALLOWED}`);

const tagValue = z
  .string()
  .max(256)
  .refine(
    (v) => TAG_CHARACTERS.test(v),
    `tag values may hold only ${TAG_CHARACTERS_ALLOWED} (the characters every AWS service accepts)`,
  );

const bucketName = z.string().superRefine((name, ctx) => {
  const problem = s3BucketNameProblem(name);
  if (problem !== undefined) ctx.addIssue({ code: "custom", message: `S3 bucket name ${problem}` });
});

export const S3StateSchema = z.strictObject({
  /** Remote state in an S3 bucket, one object per stack. */
  backend: z.literal("s3"),
  /** State bucket name. Created by the environment's bootstrap stack unless `bootstrap` is false. */
  bucket: bucketName,
  /**
   * Region of the state bucket.
   * @default the environment's region
   */
  region: region.optional(),
  /**
   * First segment of every state key: `<keyPrefix>/<environment>/<layer>.tfstate`.
   * @default the project name
   */
  keyPrefix: z
    .string()
    .regex(
      /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/,
      "must be path segments without leading, trailing or double slashes",
    )
    .optional(),
  /**
   * KMS key (ARN or alias ARN) the backend asks S3 to encrypt state with. Without one the S3
   * backend's `encrypt` means SSE-S3, overriding the bucket's SSE-KMS default.
   * @default the bootstrap key's alias ARN when `bootstrap` is true, else none
   */
  kmsKeyId: z
    .string()
    .regex(
      /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key\/[A-Za-z0-9-]+|alias\/[A-Za-z0-9/_-]+)$/,
      "must be a KMS key ARN or alias ARN (arn:aws:kms:<region>:<account>:key/<id> or :alias/<name>)",
    )
    .optional(),
  /**
   * DynamoDB lock table, only for teams still on Terraform < 1.11 tooling. S3-native locking
   * (`use_lockfile`) is always on; the bootstrap stack does not create this table.
   * @default none
   */
  dynamodbTable: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{3,255}$/, "must be a DynamoDB table name")
    .optional(),
  /**
   * Whether this environment's bootstrap stack creates the bucket. Set false when another
   * environment (or something outside this repository) already owns it.
   * @default true
   */
  bootstrap: z.boolean().default(true),
  /**
   * Days a superseded state version is kept before S3 expires it.
   * @default 90
   */
  noncurrentVersionExpirationDays: z.number().int().min(1).max(3650).default(90),
});

export const StateSchema = z.discriminatedUnion("backend", [S3StateSchema, CloudStateSchema]);

const tierLayout = z.strictObject({
  /**
   * Prefix length of each subnet in the tier.
   * @default private: VPC prefix + 4; public and isolated: VPC prefix + 8
   */
  mask: z.number().int().optional(),
  /**
   * One CIDR per AZ, replacing the carved ones for this tier.
   * @default carved from the VPC CIDR
   */
  cidrs: z.array(z.string()).optional(),
});

export const NetworkSchema = z.strictObject({
  /** VPC CIDR, /16 to /28; every subnet is carved from it. */
  cidr: z.string(),
  /** Number of AZs with a subnet in every tier (2 up to what the region has; see network rules). */
  azCount: z.number(),
  /**
   * AZ names in slot order. Pinning them keeps subnets in place if AWS lists AZs differently.
   * @default the first azCount available AZs of the region, looked up at plan time
   */
  availabilityZones: z.array(z.string()).optional(),
  /**
   * Subnet slots reserved per tier so adding an AZ later never moves existing subnets.
   * @default max(azCount, 4)
   */
  azSlots: z.number().int().optional(),
  /** NAT strategy: none (endpoints only), one shared gateway, or one per AZ. */
  natGateways: z.enum(["none", "single", "per-az"]),
  /**
   * Per-tier subnet size or explicit CIDRs.
   * @default carved automatically
   */
  subnets: z
    .strictObject({
      public: tierLayout.optional(),
      private: tierLayout.optional(),
      isolated: tierLayout.optional(),
    })
    .default({}),
  /**
   * Interface endpoints (suffix of `com.amazonaws.<region>.<name>`) in the private subnets.
   * @default [] (but natGateways "none" requires ecr.api, ecr.dkr and logs)
   */
  interfaceEndpoints: z.array(z.string()).default([]),
  /**
   * Gateway endpoints attached to the private and isolated route tables.
   * @default ["s3"]
   */
  gatewayEndpoints: z.array(z.enum(GATEWAY_ENDPOINT_SERVICES)).default(["s3"]),
  /**
   * VPC flow logs to CloudWatch Logs. Each setting's default is the `.default()` on it, the
   * only place it is written (modules/network/flow-logs.ts takes the resolved settings).
   */
  flowLogs: z
    .strictObject({
      /** Whether the VPC's traffic is recorded at all. */
      enabled: z.boolean().default(true),
      /**
       * Days CloudWatch Logs keeps flow records.
       * @default the environment's logRetentionDays
       */
      retentionDays: retentionDays.optional(),
      /** Which traffic to record. */
      trafficType: z.enum(["ALL", "ACCEPT", "REJECT"]).default("ALL"),
      /** Seconds per aggregation window. */
      maxAggregationInterval: z.union([z.literal(60), z.literal(600)]).default(600),
      /** KMS key ARN for the log group; without one, CloudWatch Logs' own encryption. */
      kmsKeyArn: z
        .string()
        .regex(
          /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/,
          "must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>); CloudWatch Logs takes no alias",
        )
        .optional(),
    })
    .prefault({}),
  /**
   * Networks outside the VPC routed from the private subnets, each through an existing transit
   * gateway (attachment created here) or VPC peering connection. See ExternalNetwork.
   * @default []
   */
  externalNetworks: z
    .array(
      z.strictObject({
        name: z.string(),
        cidrs: z.array(z.string()).min(1),
        transitGatewayId: z.string().optional(),
        peeringConnectionId: z.string().optional(),
      }),
    )
    .default([]),
});

export const EnvironmentSchema = z.strictObject({
  /** Environment name; must equal its key under `environments`. */
  name: slug("an environment name", 10),
  /** The only AWS account this environment may deploy into (the provider refuses others). */
  account: z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id"),
  /** AWS region of every stack of the environment. */
  region,
  /**
   * Production environments must keep data safe: deletion protection, prevent_destroy, final
   * snapshots, >= 7 days of backups and a standby or reader in another AZ.
   * @default false
   */
  production: z.boolean().default(false),
  /**
   * The environment deploys to a real account. Synth then refuses the documentation values the
   * shipped examples use (account ids such as 111111111111, example.com domains, the RFC 5737
   * ranges such as 203.0.113.0/24, example-org repositories, 0123456789abcdef ids) anywhere in
   * it. Set it once the README's placeholder checklist is done.
   * @default false
   */
  real: z.boolean().default(false),
  /**
   * Extra tags on every resource, through the provider's default_tags.
   * @default {}
   */
  tags: z.record(tagKey, tagValue).default({}),
  /**
   * Days every CloudWatch log group of the environment keeps events (flow logs, database log
   * exports, service and ECS Exec logs, CloudTrail, WAF). A layer's own setting overrides it
   * for that layer's log groups only (network.flowLogs.retentionDays, database.logs.retentionDays,
   * services.services[].logRetentionDays, services.cluster.execLogRetentionDays,
   * edge.logRetentionDays, operations.logRetentionDays).
   * @default 30
   */
  logRetentionDays: retentionDays.default(30),
  /** Where Terraform state lives. */
  state: StateSchema,
  /** The VPC and its subnets, routes and endpoints. */
  network: NetworkSchema,
  /**
   * The environment's PostgreSQL database (`<project>-<env>-data` stack).
   * @default none (no data stack)
   */
  database: DatabaseSchema.optional(),
  /**
   * The DCV remote-desktop gateway behind PrivateLink (`<project>-<env>-dcv` stack).
   * @default none (no dcv stack)
   */
  dcv: DcvSchema.optional(),
  /**
   * ECS cluster, Fargate services and the shared ALB (`<project>-<env>-services` stack).
   * @default none (no services stack)
   */
  services: ServicesSchema.optional(),
  /**
   * CloudFront in front of the services' ALB (`<project>-<env>-edge` stack); required in
   * production when there are services.
   * @default none (no edge stack)
   */
  edge: EdgeSchema.optional(),
  /**
   * Valkey/Redis OSS in the isolated subnets (`<project>-<env>-cache` stack), for the services
   * listed in its allowFrom.
   * @default none (no cache stack)
   */
  cache: CacheSchema.optional(),
  /**
   * Alarm topics and thresholds, the central log bucket and the WAF
   * (`<project>-<env>-ops` stack).
   * @default thresholds and lifecycle as documented on OperationsSettings; WAF in production
   */
  operations: OperationsSchema.prefault({}),
  /**
   * GitHub Actions OIDC roles (`<project>-<env>-ci` stack, applied by hand). Needs S3 state.
   * @default none (no ci stack)
   */
  ci: z
    .strictObject({
      /** `owner/name` of the repository allowed to deploy. */
      repository: z.string(),
      /** The branch whose runs may deploy. @default "main" */
      branch: z.string().default("main"),
      /**
       * GitHub environment of the deploy job (its token subject names it). Required in
       * production: its required reviewers are the approval before an apply.
       * @default none
       */
      githubEnvironment: z.string().optional(),
      /**
       * GitHub environment of the pull-request plan job. Without one the plan role trusts every
       * pull request (`repo:<owner>/<name>:pull_request`), which two environments cannot share.
       * @default none
       */
      planGithubEnvironment: z.string().optional(),
    })
    .optional(),
  /**
   * Who manages each account-wide singleton (GitHub OIDC provider, GuardDuty detector, AWS
   * Config recorder, Config's service-linked role): "create", "reference" (another environment
   * or something outside this repository owns it) or `{ adopt: "<import id>" }` to take over an
   * existing one. Exactly one environment per account (and region) may create or adopt each.
   * @default {} (every singleton "create")
   */
  accountSingletons: AccountSingletonsSchema.default({}),
  /**
   * Destroys and replacements of stateful resources the change preview (`npm run preview`)
   * lets through, one construct path each (e.g. `platform-dev-data/database/instance`), with
   * the reason. Remove them once the change is applied.
   * @default []
   */
  acknowledgedReplacements: z
    .array(
      z.strictObject({
        resource: z.string().min(1),
        reason: z.string().min(10, "say why losing this resource's data is acceptable"),
      }),
    )
    .default([]),
  /**
   * Deliberate exceptions to the synth-time policy checks, one rule and one resource each,
   * with the reason (listed in every synth summary).
   * @default []
   */
  policyExceptions: z
    .array(
      z.strictObject({
        rule: z.string(),
        resource: z.string().min(1),
        reason: z.string().min(10, "say why the exception is acceptable"),
      }),
    )
    .default([]),
});

export const PlatformSchema = z.strictObject({
  /** Project name; first part of every stack id and physical name. */
  project: slug("a project name", 12),
  /** The environments, keyed by name. */
  environments: z.record(z.string(), EnvironmentSchema),
});

export type PlatformInput = z.input<typeof PlatformSchema>;
export type EnvironmentInput = z.input<typeof EnvironmentSchema>;
/** Validated shape before the derived defaults (config/resolve.ts) are filled in. */
export type ParsedPlatform = z.output<typeof PlatformSchema>;
export type ParsedEnvironment = z.output<typeof EnvironmentSchema>;
export type NetworkConfig = z.output<typeof NetworkSchema>;
export type StateConfig = z.output<typeof StateSchema>;
export type S3StateConfig = z.output<typeof S3StateSchema>;
export type CiSettings = NonNullable<ParsedEnvironment["ci"]>;
