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
  /**
   * ECS-native blue/green deployments with an alternate target group.
   * @default false
   */
  readonly enabled: boolean;
  /**
   * Minutes both revisions run side by side before the old one is removed.
   * @default 5
   */
  readonly bakeTimeMinutes: number;
}

export interface ScalingSettings {
  /** Fewest tasks. */
  readonly minTasks: number;
  /** Most tasks. */
  readonly maxTasks: number;
  /**
   * Target average CPU, %.
   * @default 70
   */
  readonly cpuTarget: number;
  /**
   * Target average memory, %.
   * @default 70
   */
  readonly memoryTarget: number;
  /**
   * Target ALB requests per task per minute.
   * @default none (not tracked)
   */
  readonly requestsPerTarget?: number;
  /**
   * Seconds between scale-out steps.
   * @default 60
   */
  readonly scaleOutCooldownSeconds: number;
  /**
   * Seconds between scale-in steps.
   * @default 300
   */
  readonly scaleInCooldownSeconds: number;
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
  /** Container port the ALB forwards to. */
  readonly port: number;
  /** Task CPU units; must pair with memory as Fargate allows. */
  readonly cpu: number;
  /** Task memory, MiB. */
  readonly memory: number;
  /** Health check path the target group probes. */
  readonly healthCheckPath: string;
  /**
   * HTTP codes that count as healthy.
   * @default "200-399"
   */
  readonly healthCheckMatcher: string;
  /**
   * Plain environment variables (never secrets: names like PASSWORD, SECRET, TOKEN are refused).
   * @default {}
   */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * Secrets injected by ECS at start, by environment variable name.
   * @default {}
   */
  readonly secrets: Readonly<Record<string, SecretSource>>;
  /**
   * Inject the data stack's database as DATABASE_HOST/PORT/NAME and DATABASE_USER/PASSWORD
   * (from the RDS-managed secret) and open the database port to this service.
   * @default false
   */
  readonly database: boolean;
  /**
   * lb_cookie stickiness (Socket.IO long-polling across several tasks needs it).
   * @default false
   */
  readonly stickiness: boolean;
  /**
   * Seconds the ALB waits for in-flight requests of a deregistering task.
   * @default 30
   */
  readonly deregistrationDelaySeconds: number;
  /**
   * Seconds a new task ramps up its share of requests (0 = off).
   * @default 0
   */
  readonly slowStartSeconds: number;
  /**
   * Seconds the scheduler ignores failing health checks after a task starts.
   * @default 60
   */
  readonly healthCheckGracePeriodSeconds: number;
  /** Task count and target tracking. */
  readonly scaling: ScalingSettings;
  /**
   * Container user (non-root).
   * @default "1000:1000"
   */
  readonly user: string;
  /**
   * Days the service's log group keeps logs.
   * @default 30
   */
  readonly logRetentionDays: LogRetentionDays;
  /**
   * `aws ecs execute-command` into the tasks (adds the SSM channel permissions).
   * @default false
   */
  readonly execEnabled: boolean;
  /**
   * Allow HTTPS to the internet (needs a NAT gateway) besides AWS endpoints.
   * @default false
   */
  readonly internetEgress: boolean;
  /**
   * What the application itself may call (the task role); nothing by default.
   * @default []
   */
  readonly taskPermissions: readonly IamStatementSettings[];
  /** Blue/green deployments. */
  readonly blueGreen: BlueGreenSettings;
}
