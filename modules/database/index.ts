import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { partitionOf } from "../../lib/arn";
import type { Names } from "../../lib/names";
import { assertNoIssues } from "../../lib/validation";
import type { AlarmTargets } from "../observability/settings";
import { DatabaseAlarms } from "./alarms";
import { AuroraCluster } from "./aurora";
import { MonitoringRole } from "./monitoring-role";
import { DatabaseParameterGroups } from "./parameter-groups";
import { PostgresInstance } from "./postgres-instance";
import type { DatabaseSettings } from "./settings";
import { databaseIssues } from "./validate";

export type * from "./settings";

export interface DatabaseProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** Account that owns the database (scopes the monitoring role's trust and IAM auth ARNs). */
  readonly account: string;
  /** Region of the database. */
  readonly region: string;
  /** VPC the security group is created in. */
  readonly vpcId: string;
  /** DB subnet group over isolated subnets (from the network stack). */
  readonly dbSubnetGroupName: string;
  /** AZ names in slot order; the writer goes to the first, readers to the next ones. */
  readonly availabilityZones: readonly string[];
  /** Engine and its settings. */
  readonly settings: DatabaseSettings;
  /**
   * Enforce the production data-safety rules (deletion protection, prevent_destroy, final
   * snapshot, >= 7 days of backups, a standby or reader).
   * @default false
   */
  readonly production?: boolean;
  /**
   * Where the CPU, memory, connection and storage alarms go.
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
 * PostgreSQL on Aurora or RDS, private and encrypted: isolated subnets only, never publicly
 * accessible, a customer KMS key with rotation for storage, the RDS-managed master secret and
 * Performance Insights, TLS forced, IAM auth, logs exported to a retention-managed group,
 * and a security group that admits only what callers grant with allowFrom().
 */
export class Database extends Construct {
  readonly kmsKey: KmsKey;
  readonly securityGroup: SecurityGroup;
  readonly aurora?: AuroraCluster;
  readonly postgres?: PostgresInstance;
  /** Writer endpoint host name. */
  readonly endpoint: string;
  /** Reader endpoint host name (the writer's for a single instance). */
  readonly readerEndpoint: string;
  readonly port: number;
  readonly databaseName: string;
  /** Secrets Manager ARN of the RDS-managed master secret (JSON with username and password). */
  readonly masterSecretArn: string;
  /** Resource id used in `rds-db:connect` ARNs for IAM authentication. */
  readonly resourceId: string;
  /** Cluster or instance identifier (CloudWatch dimension). */
  readonly identifier: string;
  private readonly props: DatabaseProps;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    assertNoIssues(
      props.configPath ?? this.node.path,
      databaseIssues(props.settings, { production: props.production ?? false }),
    );
    this.props = props;
    const { names, settings: s } = props;
    const identifier = names.physical("db");
    this.identifier = identifier;

    this.kmsKey = new KmsKey(this, "key", {
      description: `Storage, master secret and Performance Insights of ${identifier}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      tags: names.nameTag("db"),
      // In every environment: the final snapshot and retained backups outlive the database
      // and are unreadable without this key (destroying dev's data stack would otherwise make
      // its final snapshot useless 30 days later). Retire it by hand once they are gone.
      lifecycle: { preventDestroy: true },
    });
    new KmsAlias(this, "key-alias", {
      name: `alias/${identifier}`,
      targetKeyId: this.kmsKey.keyId,
    });

    // No rules here: ingress comes only from allowFrom(), and a database never dials out.
    this.securityGroup = new SecurityGroup(this, "security-group", {
      // A prefix, not a name: create_before_destroy needs the replacement to get a new name.
      namePrefix: `${names.physical("db", { maxLength: 200 })}-`,
      description: `PostgreSQL ${identifier}: ingress only from granted security groups`,
      vpcId: props.vpcId,
      tags: names.nameTag("db"),
      lifecycle: { createBeforeDestroy: true },
    });

    // RDS creates these groups on first export with no retention; owning them first sets one.
    const kind = s.engine === "aurora-postgresql" ? "cluster" : "instance";
    const exports = s.engine === "aurora-postgresql" ? ["postgresql"] : ["postgresql", "upgrade"];
    const logGroups = exports.map(
      (log) =>
        new CloudwatchLogGroup(this, `log-${log}`, {
          name: `/aws/rds/${kind}/${identifier}/${log}`,
          retentionInDays: s.logs.retentionDays,
          tags: names.nameTag(["db", log]),
        }),
    );

    const monitoring =
      s.monitoringIntervalSeconds > 0
        ? new MonitoringRole(this, "monitoring", {
            names,
            partition: partitionOf(props.region),
            account: props.account,
          })
        : undefined;
    const context = {
      names,
      identifier,
      kmsKeyArn: this.kmsKey.arn,
      securityGroupId: this.securityGroup.id,
      subnetGroupName: props.dbSubnetGroupName,
      availabilityZones: props.availabilityZones,
      monitoringRoleArn: monitoring?.role.arn,
      parameterGroups: new DatabaseParameterGroups(this, "parameters", { names, settings: s }),
      logGroups,
    };

    this.port = s.port;
    this.databaseName = s.databaseName;
    if (s.engine === "aurora-postgresql") {
      this.aurora = new AuroraCluster(this, "aurora", { context, settings: s });
      const cluster = this.aurora.cluster;
      this.endpoint = cluster.endpoint;
      this.readerEndpoint = cluster.readerEndpoint;
      this.masterSecretArn = cluster.masterUserSecret.get(0).secretArn;
      this.resourceId = cluster.clusterResourceId;
    } else {
      this.postgres = new PostgresInstance(this, "postgres", { context, settings: s });
      const instance = this.postgres.instance;
      this.endpoint = instance.address;
      this.readerEndpoint = instance.address;
      this.masterSecretArn = instance.masterUserSecret.get(0).secretArn;
      this.resourceId = instance.resourceId;
    }
    if (props.alarms !== undefined) {
      new DatabaseAlarms(this, "alarms", {
        names,
        identifier,
        kind: s.engine === "aurora-postgresql" ? "cluster" : "instance",
        targets: props.alarms,
      });
    }
  }

  /**
   * Lets `peerSecurityGroupId` reach the database port. The rule is created in `scope`, the
   * caller's stack, so the database stack never depends on its clients.
   */
  allowFrom(
    scope: Construct,
    id: string,
    peerSecurityGroupId: string,
    description: string,
  ): VpcSecurityGroupIngressRule {
    return new VpcSecurityGroupIngressRule(scope, id, {
      securityGroupId: this.securityGroup.id,
      referencedSecurityGroupId: peerSecurityGroupId,
      ipProtocol: "tcp",
      fromPort: this.port,
      toPort: this.port,
      description,
    });
  }

  /** The `rds-db:connect` resource ARN for IAM authentication as `dbUser`. */
  connectArn(dbUser: string): string {
    const { region, account } = this.props;
    return `arn:${partitionOf(region)}:rds-db:${region}:${account}:dbuser:${this.resourceId}/${dbUser}`;
  }
}
