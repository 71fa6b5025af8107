import type { LogRetentionDays } from "../../lib/log-retention";

/**
 * Settings of one Fargate service. config/services-schema.ts produces this shape (checked at
 * compile time), so the documentation lives here once.
 */
export type SecretSource =
  | {
      /** Secrets Manager secret ARN. */
      readonly secretArn: string;
      /**
       * Key inside a JSON secret.
       * @default the whole secret string
       */
      readonly jsonKey?: string;
    }
  | {
      /** SSM parameter ARN (SecureString). */
      readonly ssmParameterArn: string;
    };

export interface IamStatementSettings {
  /** Actions the task may call, e.g. "s3:GetObject". */
  readonly actions: readonly string[];
  /** Resources they apply to; "*" only together with specific actions. */
  readonly resources: readonly string[];
}

export interface BlueGreenSettings {
  /** ECS-native blue/green deployments with an alternate target group. */
  readonly enabled: boolean;
  /** Minutes both revisions run side by side before the old one is removed. */
  readonly bakeTimeMinutes: number;
}

export interface ScalingSettings {
  /** Fewest tasks. */
  readonly minTasks: number;
  /** Most tasks. */
  readonly maxTasks: number;
  /** Target average CPU, %. */
  readonly cpuTarget: number;
  /** Target average memory, %. */
  readonly memoryTarget: number;
  /**
   * Target ALB requests per task per minute.
   * @default none (not tracked)
   */
  readonly requestsPerTarget?: number;
  /** Seconds between scale-out steps. */
  readonly scaleOutCooldownSeconds: number;
  /** Seconds between scale-in steps. */
  readonly scaleInCooldownSeconds: number;
}

export interface ContainerHealthCheckSettings {
  /**
   * Docker health check on the container, besides the target group's check: ECS replaces a
   * task whose application hangs even where no load balancer looks (internal services).
   */
  readonly enabled: boolean;
  /**
   * The check command (`CMD`/`CMD-SHELL` form).
   * @default Node.js fetching http://127.0.0.1:<port><healthCheckPath> (no curl or wget needed in the image)
   */
  readonly command?: readonly string[];
  /** Seconds between checks. */
  readonly intervalSeconds: number;
  /** Seconds one check may take. */
  readonly timeoutSeconds: number;
  /** Consecutive failures before the container is unhealthy. */
  readonly retries: number;
  /** Seconds after start during which failures do not count. */
  readonly startPeriodSeconds: number;
}

/** The ECR repositories of an environment: a layer applied before the services. */
export interface RepositorySettings {
  /** Days an untagged image (a superseded push) is kept. */
  readonly untaggedExpiryDays: number;
  /**
   * Tag prefixes of throw-away builds, which expire beyond `keepScratchImages`. Every other
   * tag (released versions such as 1.4.2) is never expired, so a running task definition's
   * image cannot disappear.
   */
  readonly scratchTagPrefixes: readonly string[];
  /** Scratch images kept per repository. */
  readonly keepScratchImages: number;
}

export interface FargateServiceSettings {
  /**
   * The service's name: a lower-case letter, then lower-case letters, digits or hyphens. Part of
   * every physical name of the service, its routes' `service` and other services' `calls`.
   */
  readonly name: string;
  /**
   * Image tag in the service's own ECR repository (tags are immutable).
   * @default none: `image` must be given
   */
  readonly imageTag?: string;
  /**
   * A full image reference instead of the service's repository (e.g. a public bootstrap image).
   * @default the service's ECR repository at imageTag
   */
  readonly image?: string;
  /**
   * The image is not pushed yet: the service is created with no tasks (and autoscaling's
   * minimum at 0), so the first apply does not wait on tasks that cannot pull. Set it back to
   * false once the tag is in the repository; the next apply raises the count to minTasks.
   */
  readonly imagePending: boolean;
  /**
   * An internal service (worker, queue consumer, internal API): no ALB route, no target group,
   * no ingress from the ALB. Other services reach it only through `calls`.
   */
  readonly internal: boolean;
  /**
   * Container port: the ALB forwards to it and, for services others call, Service Connect.
   * @default none (an internal service that listens on nothing)
   */
  readonly port?: number;
  /**
   * Services this one calls through ECS Service Connect, e.g. ["api"]: each becomes reachable
   * at http://<name>:<port> (also injected as <NAME>_URL), and the security groups admit
   * exactly these calls.
   */
  readonly calls: readonly string[];
  /** Task CPU units; must pair with memory as Fargate allows. */
  readonly cpu: number;
  /** Task memory, MiB. */
  readonly memory: number;
  /**
   * Health check path the target group and the container health check probe.
   * @default none (required for routed services; internal services without one get no checks)
   */
  readonly healthCheckPath?: string;
  /** HTTP codes that count as healthy. */
  readonly healthCheckMatcher: string;
  /**
   * The application's own path prefix (NestJS `setGlobalPrefix`), e.g. "/api". The health
   * check path must then sit under it, or the checks probe a path the app does not serve.
   * @default none
   */
  readonly globalPrefix?: string;
  /** Docker health check of the container. */
  readonly containerHealthCheck: ContainerHealthCheckSettings;
  /** Plain environment variables (never secrets: names like PASSWORD, SECRET, TOKEN are refused). */
  readonly environment: Readonly<Record<string, string>>;
  /** Secrets injected by ECS at start, by environment variable name. */
  readonly secrets: Readonly<Record<string, SecretSource>>;
  /**
   * Connect to the data stack's database with IAM authentication as the service's own database
   * user: DATABASE_HOST/PORT/NAME/USER and DATABASE_AUTH=iam are injected, the task role may
   * `rds-db:connect` as that user only, and the database port opens to this service. No
   * password and never the rotating master secret (see docs/services.md for the one-time SQL).
   */
  readonly database: boolean;
  /**
   * The service's database user (a PostgreSQL role granted `rds_iam`).
   * @default the service name with hyphens as underscores
   */
  readonly databaseUser?: string;
  /** lb_cookie stickiness (Socket.IO long-polling across several tasks needs it). */
  readonly stickiness: boolean;
  /** Seconds the ALB waits for in-flight requests of a deregistering task. */
  readonly deregistrationDelaySeconds: number;
  /** Seconds a new task ramps up its share of requests (0 = off). */
  readonly slowStartSeconds: number;
  /** Seconds the scheduler ignores failing health checks after a task starts. */
  readonly healthCheckGracePeriodSeconds: number;
  /**
   * Terraform waits until the deployment reaches a steady state, so a failed or rolled-back
   * deployment fails the apply.
   */
  readonly waitForSteadyState: boolean;
  /**
   * Minutes Terraform waits for a deployment (create or update) before failing the apply.
   * Blue/green needs room for the bake time.
   */
  readonly deploymentTimeoutMinutes: number;
  /** Task count and target tracking. */
  readonly scaling: ScalingSettings;
  /** Container user (non-root). */
  readonly user: string;
  /** Days the service's log group keeps logs. */
  readonly logRetentionDays: LogRetentionDays;
  /**
   * Route the container's logs through a FireLens (Fluent Bit) log router: error lines to
   * the service's log group, every line to the central log bucket as gzip
   * (`services.logRouter` configures it, docs/logging.md).
   */
  readonly logRouter: boolean;
  /** `aws ecs execute-command` into the tasks (adds the SSM channel permissions). */
  readonly execEnabled: boolean;
  /** Allow HTTPS to the internet (needs a NAT gateway) besides AWS endpoints. */
  readonly internetEgress: boolean;
  /** What the application itself may call (the task role); nothing by default. */
  readonly taskPermissions: readonly IamStatementSettings[];
  /** Blue/green deployments. */
  readonly blueGreen: BlueGreenSettings;
}
