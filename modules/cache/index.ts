import { Construct } from "constructs";
import { DataAwsSecretsmanagerRandomPassword } from "@cdktf/provider-aws/lib/data-aws-secretsmanager-random-password";
import { ElasticacheParameterGroup } from "@cdktf/provider-aws/lib/elasticache-parameter-group";
import { ElasticacheReplicationGroup } from "@cdktf/provider-aws/lib/elasticache-replication-group";
import { ElasticacheSubnetGroup } from "@cdktf/provider-aws/lib/elasticache-subnet-group";
import { ElasticacheUser } from "@cdktf/provider-aws/lib/elasticache-user";
import { ElasticacheUserGroup } from "@cdktf/provider-aws/lib/elasticache-user-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { accountAdministersKey } from "../../lib/iam";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import type { Names } from "../../lib/names";
import { allowIn, type Peer } from "../../lib/sg-rules";
import { assertNoIssues } from "../../lib/validation";
import { metricAlarm } from "../observability/alarm";
import type { AlarmTargets } from "../observability/settings";
import type { CacheSettings } from "./settings";
import { cacheFamily, cacheIssues } from "./validate";

export type * from "./settings";

/** The port every client uses. */
export const CACHE_PORT = 6379;
/** The application's RBAC user name (the password is in the cache secret). */
export const CACHE_USER = "app";

export interface CacheProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** Account (key policy). */
  readonly account: string;
  /** ARN partition. */
  readonly partition: string;
  /** VPC of the security group. */
  readonly vpcId: string;
  /** Subnets of the nodes: the isolated tier, one per AZ. */
  readonly subnetIds: readonly string[];
  /** Engine, size, replicas, snapshots, parameters and alarm thresholds. */
  readonly settings: CacheSettings;
  /**
   * Production: snapshot on delete, keys and secret kept, failover required.
   * @default false
   */
  readonly production?: boolean;
  /**
   * Service names allowed in settings.allowFrom (validated against it).
   * @default settings.allowFrom
   */
  readonly services?: readonly string[];
  /**
   * Where CPU, memory, eviction and connection alarms go (warning topic).
   * @default no alarms
   */
  readonly alarms?: AlarmTargets;
  /**
   * Prefix for validation errors.
   * @default the construct path
   */
  readonly configPath?: string;
}

/**
 * A Valkey (or Redis OSS) replication group in the isolated subnets for sessions and the
 * Socket.IO adapter: encrypted at rest with its own key and in transit (TLS required), an RBAC
 * user whose generated password lives in Secrets Manager under the same key (the default user
 * is switched off), Multi-AZ automatic failover with a replica, daily snapshots, its own
 * parameter group, alarms, and a security group that admits only what allowFrom() grants.
 */
export class Cache extends Construct {
  readonly key: KmsKey;
  readonly securityGroup: SecurityGroup;
  readonly group: ElasticacheReplicationGroup;
  readonly secret: SecretsmanagerSecret;
  /** Primary endpoint host name (writes and pub/sub). */
  readonly endpoint: string;
  readonly port: number;

  constructor(scope: Construct, id: string, props: CacheProps) {
    super(scope, id);
    const { names, settings: s } = props;
    const production = props.production ?? false;
    assertNoIssues(
      props.configPath ?? this.node.path,
      cacheIssues(s, { production, services: props.services ?? s.allowFrom }),
    );
    this.port = CACHE_PORT;

    const keyPolicy = new DataAwsIamPolicyDocument(this, "key-policy", {
      statement: [accountAdministersKey(props.partition, props.account)],
    });
    this.key = new KmsKey(this, "key", {
      description: `Cache data, snapshots and credentials of ${names.prefix}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: keyPolicy.json,
      tags: names.nameTag("cache"),
      lifecycle: { preventDestroy: production },
    });
    new KmsAlias(this, "key-alias", {
      name: `alias/${names.physical("cache", { maxLength: 200 })}`,
      targetKeyId: this.key.keyId,
    });

    this.securityGroup = new SecurityGroup(this, "security-group", {
      namePrefix: `${names.physical("cache", { maxLength: 200 })}-`,
      description: "Cache: only the services granted with allowFrom",
      vpcId: props.vpcId,
      tags: names.nameTag("cache"),
      lifecycle: { createBeforeDestroy: true },
    });
    const subnets = new ElasticacheSubnetGroup(this, "subnets", {
      name: names.physical("cache", { maxLength: 255 }),
      description: "Isolated subnets of the cache",
      subnetIds: [...props.subnetIds],
      tags: names.nameTag("cache"),
    });
    const family = cacheFamily(s.engine, s.engineVersion);
    const parameters = new ElasticacheParameterGroup(this, "parameters", {
      name: names.physical(["cache", family], { maxLength: 255 }),
      family,
      description: `Cache parameters (${family})`,
      parameter: Object.entries(s.parameters).map(([name, value]) => ({ name, value })),
      tags: names.nameTag("cache"),
      lifecycle: { createBeforeDestroy: true },
    });

    // The password is drawn once; later draws of the generator are ignored.
    const random = new DataAwsSecretsmanagerRandomPassword(this, "random", {
      passwordLength: 64,
      excludePunctuation: true,
    });
    this.secret = new SecretsmanagerSecret(this, "secret", {
      name: names.physical("cache-credentials", { maxLength: 256 }),
      description: `RBAC user ${CACHE_USER} of the cache: JSON with username and password`,
      kmsKeyId: this.key.arn,
      recoveryWindowInDays: production ? 30 : 7,
      tags: names.nameTag("cache-credentials"),
    });
    const value = new SecretsmanagerSecretVersion(this, "secret-value", {
      secretId: this.secret.id,
      secretString: `{"username":"${CACHE_USER}","password":"${random.randomPassword}"}`,
      lifecycle: { ignoreChanges: ["secret_string"] },
    });
    const password = `\${jsondecode(${value.fqn}.secret_string).password}`;
    const engine = s.engine;
    const disabledDefault = new ElasticacheUser(this, "default-user", {
      userId: names.physical("cache-default", { maxLength: 40 }),
      userName: "default",
      engine,
      accessString: "off ~* -@all",
      authenticationMode: { type: "no-password-required" },
      tags: names.nameTag("cache-default"),
    });
    const app = new ElasticacheUser(this, "app-user", {
      userId: names.physical("cache-app", { maxLength: 40 }),
      userName: CACHE_USER,
      engine,
      // Everything but administration: no CONFIG, no FLUSHALL, no DEBUG.
      accessString: "on ~* &* +@all -@admin -@dangerous",
      authenticationMode: { type: "password", passwords: [password] },
      tags: names.nameTag("cache-app"),
    });
    const users = new ElasticacheUserGroup(this, "users", {
      userGroupId: names.physical("cache", { maxLength: 40 }),
      engine,
      userIds: [disabledDefault.userId, app.userId],
      tags: names.nameTag("cache"),
    });

    const failover = s.replicas > 0;
    const groupId = names.physical("cache", { maxLength: 40 });
    this.group = new ElasticacheReplicationGroup(this, "group", {
      replicationGroupId: groupId,
      description: `Sessions and Socket.IO adapter of ${names.prefix}`,
      engine,
      engineVersion: s.engineVersion,
      nodeType: s.nodeType,
      port: CACHE_PORT,
      numCacheClusters: 1 + s.replicas,
      automaticFailoverEnabled: failover,
      multiAzEnabled: failover,
      subnetGroupName: subnets.name,
      securityGroupIds: [this.securityGroup.id],
      parameterGroupName: parameters.name,
      atRestEncryptionEnabled: "true",
      kmsKeyId: this.key.arn,
      transitEncryptionEnabled: true,
      transitEncryptionMode: "required",
      userGroupIds: [users.userGroupId],
      snapshotRetentionLimit: s.snapshotRetentionDays,
      snapshotWindow: s.snapshotWindow,
      maintenanceWindow: s.maintenanceWindow,
      autoMinorVersionUpgrade: "true",
      finalSnapshotIdentifier: production ? `${groupId}-final` : undefined,
      tags: names.nameTag("cache"),
      lifecycle: { preventDestroy: production },
    });
    this.endpoint = this.group.primaryEndpointAddress;

    if (props.alarms !== undefined) {
      const topic = props.alarms.warning;
      const a = s.alarms;
      for (let n = 1; n <= 1 + s.replicas; n++) {
        const node = `${groupId}-${String(n).padStart(3, "0")}`;
        const dims = { CacheClusterId: node };
        const specs = [
          ["cpu", "EngineCPUUtilization", a.cpuPercent, "Engine CPU above %", "Average"],
          [
            "memory",
            "DatabaseMemoryUsagePercentage",
            a.memoryPercent,
            "Memory used above %",
            "Maximum",
          ],
          [
            "evictions",
            "Evictions",
            a.evictions,
            "Keys evicted for memory per minute above",
            "Sum",
          ],
          ["connections", "CurrConnections", a.connections, "Open connections above", "Maximum"],
        ] as const;
        for (const [purpose, metric, threshold, what, statistic] of specs) {
          metricAlarm(this, `${purpose}-${n}`, {
            names,
            name: `cache-${String(n).padStart(3, "0")}-${purpose}`,
            description: `${node}: ${what} ${threshold}`,
            topicArn: topic,
            threshold,
            comparison: "GreaterThanThreshold",
            metric: { namespace: "AWS/ElastiCache", name: metric, dimensions: dims, statistic },
          });
        }
      }
    }
  }

  /** Admits `peer` (a service's security group) to the cache port. */
  allowFrom(scope: Construct, id: string, peer: Peer, description: string): void {
    allowIn(scope, id, {
      securityGroupId: this.securityGroup.id,
      peer,
      port: CACHE_PORT,
      description,
    });
  }
}
