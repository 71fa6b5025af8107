import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { partitionOf } from "../lib/arn";
import { Cache, CACHE_PORT, CACHE_USER, type CacheSettings } from "../modules/cache";
import type { ServiceAttachment } from "../modules/fargate-service";
import type { Network } from "../modules/network";
import type { AlarmTargets } from "../modules/observability/settings";
import { PlatformStack, type PlatformStackProps } from "./platform-stack";

export interface CacheStackProps extends PlatformStackProps {
  /** The environment's network (isolated subnets). */
  readonly network: Network;
  /** Engine, size, replicas and the services allowed in. */
  readonly cache: CacheSettings;
  /**
   * The environment's service names (allowFrom is checked against them).
   * @default cache.allowFrom
   */
  readonly services?: readonly string[];
  /**
   * Alarm topics (operations stack).
   * @default no alarms
   */
  readonly alarms?: AlarmTargets;
}

/**
 * `<project>-<env>-cache`: Valkey/Redis OSS in the isolated subnets. Applied before the
 * services, which receive its endpoint and credentials through attachmentFor().
 */
export class CacheStack extends PlatformStack {
  readonly cache: Cache;
  private readonly allowed: readonly string[];

  constructor(scope: Construct, props: CacheStackProps) {
    super(scope, "cache", props);
    const env = this.environment;
    this.allowed = props.cache.allowFrom;
    this.cache = new Cache(this, "cache", {
      names: this.names,
      account: env.account,
      partition: partitionOf(env.region),
      vpcId: props.network.vpcId,
      subnetIds: props.network.subnetIds.isolated,
      settings: props.cache,
      production: env.production,
      services: props.services,
      alarms: props.alarms,
      configPath: this.configPath("cache"),
    });
    const c = this.cache;
    new TerraformOutput(this, "primary_endpoint", {
      value: c.endpoint,
      description: "Primary endpoint (TLS, port 6379)",
    });
    new TerraformOutput(this, "credentials_secret_arn", {
      value: c.secret.arn,
      description: `Secret with the RBAC user ${CACHE_USER} and its password`,
    });
    new TerraformOutput(this, "security_group_id", {
      value: c.securityGroup.id,
      description: "Cache SG; services in allowFrom are admitted",
    });
  }

  /**
   * What a service in allowFrom gets: REDIS_HOST/PORT/USERNAME/TLS, REDIS_PASSWORD from the
   * secret, and the port opened both ways. Undefined for services not allowed in.
   */
  attachmentFor(service: string): ServiceAttachment | undefined {
    if (!this.allowed.includes(service)) return undefined;
    const c = this.cache;
    return {
      id: "cache",
      environment: {
        REDIS_HOST: c.endpoint,
        REDIS_PORT: String(CACHE_PORT),
        REDIS_USERNAME: CACHE_USER,
        REDIS_TLS: "true",
      },
      secrets: { REDIS_PASSWORD: { secretArn: c.secret.arn, jsonKey: "password" } },
      secretKeyArns: [c.key.arn],
      securityGroupId: c.securityGroup.id,
      port: CACHE_PORT,
      description: "Valkey/Redis (TLS)",
      allowFrom: (scope, id, peer, description) => {
        c.allowFrom(scope, id, peer, description);
      },
    };
  }
}
