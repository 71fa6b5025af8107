import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { Database } from "../modules/database";
import type { DatabaseSettings } from "../modules/database/settings";
import type { Network } from "../modules/network";
import type { AlarmTargets } from "../modules/observability/settings";
import { PlatformStack, type PlatformStackProps } from "./platform-stack";

export interface DataStackProps extends PlatformStackProps {
  /** The environment's network; its subnet group and VPC are read across stacks. */
  readonly network: Network;
  /** The environment's database settings. */
  readonly database: DatabaseSettings;
  /**
   * Alarm topics and thresholds (operations stack).
   * @default no alarms
   */
  readonly alarms?: AlarmTargets;
}

/** `<project>-<env>-data`: the environment's PostgreSQL in the isolated subnets. */
export class DataStack extends PlatformStack {
  readonly database: Database;

  constructor(scope: Construct, props: DataStackProps) {
    super(scope, "data", props);
    this.database = new Database(this, "database", {
      names: this.names,
      account: this.environment.account,
      region: this.environment.region,
      vpcId: props.network.vpcId,
      dbSubnetGroupName: props.network.dbSubnetGroupName,
      availabilityZones: props.network.availabilityZones,
      settings: props.database,
      production: this.environment.production,
      alarms: props.alarms,
      configPath: this.configPath("database"),
    });

    const db = this.database;
    const outputs: Record<string, { value: unknown; description: string; sensitive?: boolean }> = {
      writer_endpoint: { value: db.endpoint, description: "Writer host name" },
      reader_endpoint: {
        value: db.readerEndpoint,
        description: "Reader host name (writer for one instance)",
      },
      port: { value: db.port, description: "PostgreSQL port" },
      database_name: { value: db.databaseName, description: "Database created at launch" },
      master_secret_arn: {
        value: db.masterSecretArn,
        description: "RDS-managed master secret (ECS secrets)",
      },
      security_group_id: {
        value: db.securityGroup.id,
        description: "Database SG; grant with allowFrom()",
      },
      kms_key_arn: {
        value: db.kmsKey.arn,
        description: "Key of storage, secret and Performance Insights",
      },
    };
    for (const [id, o] of Object.entries(outputs)) new TerraformOutput(this, id, o);
  }
}
