import type { FargateServiceSettings } from "./settings";

/**
 * The subset of the ECS container definition this platform writes, typed so that a typo or a
 * string where ECS wants a number fails the build rather than the deployment.
 */
export interface ContainerDefinition {
  readonly name: string;
  readonly image: string;
  readonly essential: boolean;
  readonly healthCheck?: ContainerHealthCheck;
  readonly portMappings: readonly {
    readonly containerPort: number;
    readonly protocol: "tcp";
    readonly name: string;
  }[];
  readonly environment: readonly { readonly name: string; readonly value: string }[];
  readonly secrets: readonly { readonly name: string; readonly valueFrom: string }[];
  readonly user: string;
  readonly readonlyRootFilesystem: boolean;
  readonly mountPoints: readonly {
    readonly sourceVolume: string;
    readonly containerPath: string;
    readonly readOnly: boolean;
  }[];
  readonly linuxParameters: { readonly initProcessEnabled: boolean };
  readonly stopTimeout: number;
  readonly logConfiguration:
    | {
        readonly logDriver: "awslogs";
        readonly options: Readonly<
          Record<"awslogs-group" | "awslogs-region" | "awslogs-stream-prefix", string>
        >;
      }
    | { readonly logDriver: "awsfirelens" };
  readonly dependsOn?: readonly {
    readonly containerName: string;
    readonly condition: "START" | "HEALTHY";
  }[];
}

/** ECS's container health check (Docker HEALTHCHECK semantics). */
export interface ContainerHealthCheck {
  readonly command: readonly string[];
  readonly interval: number;
  readonly timeout: number;
  readonly retries: number;
  readonly startPeriod: number;
}

/**
 * The container's health check from the settings: the declared command, else a probe of the
 * health path with the Node.js runtime the web and api images already have (slim images ship
 * neither curl nor wget). None without a port and path, or when disabled.
 */
export function containerHealthCheck(s: FargateServiceSettings): ContainerHealthCheck | undefined {
  const c = s.containerHealthCheck;
  if (!c.enabled) return undefined;
  let command = c.command;
  if (command === undefined) {
    if (s.port === undefined || s.healthCheckPath === undefined) return undefined;
    const url = `http://127.0.0.1:${s.port}${s.healthCheckPath}`;
    command = [
      "CMD",
      "node",
      "-e",
      `fetch(${JSON.stringify(url)},{redirect:"manual"}).then(r=>process.exit(r.status<400?0:1),()=>process.exit(1))`,
    ];
  }
  return {
    command: [...command],
    interval: c.intervalSeconds,
    timeout: c.timeoutSeconds,
    retries: c.retries,
    startPeriod: c.startPeriodSeconds,
  };
}

export interface ContainerProps {
  /** Container (and service) name. */
  readonly name: string;
  /** Image reference. */
  readonly image: string;
  /**
   * Port the application listens on.
   * @default none (a service that listens on nothing)
   */
  readonly port?: number;
  /**
   * Container health check.
   * @default none
   */
  readonly healthCheck?: ContainerHealthCheck;
  /** Plain environment variables. */
  readonly environment: Readonly<Record<string, string>>;
  /** Secret references (`valueFrom`) by variable name. */
  readonly secrets: Readonly<Record<string, string>>;
  /** Non-root user. */
  readonly user: string;
  /** ECS Exec: its SSM agent needs writable directories despite the read-only root. */
  readonly execEnabled: boolean;
  /** Log group the awslogs driver writes to. */
  readonly logGroupName: string;
  /** Region of the log group. */
  readonly region: string;
  /**
   * The FireLens log router container of the task: logs go to it instead of awslogs.
   * @default none (awslogs to logGroupName)
   */
  readonly logRouter?: string;
}

/** Scratch space for a read-only root filesystem. */
export const TMP_VOLUME = "tmp";

/** Where the SSM agent that ECS Exec injects writes; read-only otherwise, exec sessions fail. */
export const EXEC_VOLUMES = [
  { name: "ssm-lib", path: "/var/lib/amazon/ssm" },
  { name: "ssm-log", path: "/var/log/amazon/ssm" },
  { name: "managed-agents", path: "/managed-agents" },
] as const;

export function containerDefinition(p: ContainerProps): ContainerDefinition {
  const sorted = (record: Readonly<Record<string, string>>) =>
    Object.entries(record).sort(([a], [b]) => a.localeCompare(b));
  return {
    name: p.name,
    image: p.image,
    essential: true,
    ...(p.healthCheck === undefined ? {} : { healthCheck: p.healthCheck }),
    // Named: Service Connect refers to the port by this name.
    portMappings:
      p.port === undefined ? [] : [{ containerPort: p.port, protocol: "tcp", name: p.name }],
    // Sorted so that reordering the config never produces a new task definition revision.
    environment: sorted(p.environment).map(([name, value]) => ({ name, value })),
    secrets: sorted(p.secrets).map(([name, valueFrom]) => ({ name, valueFrom })),
    user: p.user,
    readonlyRootFilesystem: true,
    mountPoints: [
      { sourceVolume: TMP_VOLUME, containerPath: "/tmp", readOnly: false },
      ...(p.execEnabled
        ? EXEC_VOLUMES.map((v) => ({
            sourceVolume: v.name,
            containerPath: v.path,
            readOnly: false,
          }))
        : []),
    ],
    // An init process reaps zombies and forwards SIGTERM, so tasks stop cleanly.
    linuxParameters: { initProcessEnabled: true },
    stopTimeout: 30,
    // No options: the router's own configuration holds the outputs, so FireLens adds none.
    logConfiguration:
      p.logRouter === undefined
        ? {
            logDriver: "awslogs",
            options: {
              "awslogs-group": p.logGroupName,
              "awslogs-region": p.region,
              "awslogs-stream-prefix": p.name,
            },
          }
        : { logDriver: "awsfirelens" },
    // The router has no health check; started is what FireLens needs to accept the lines.
    ...(p.logRouter === undefined
      ? {}
      : { dependsOn: [{ containerName: p.logRouter, condition: "START" as const }] }),
  };
}
