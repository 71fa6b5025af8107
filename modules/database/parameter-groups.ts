import { Construct } from "constructs";
import { DbParameterGroup } from "@cdktf/provider-aws/lib/db-parameter-group";
import { RdsClusterParameterGroup } from "@cdktf/provider-aws/lib/rds-cluster-parameter-group";
import type { Names } from "../../lib/names";
import type { DatabaseSettings } from "./settings";

export interface DatabaseParameterGroupsProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** The database settings (engine, version, logging). */
  readonly settings: DatabaseSettings;
}

/**
 * Parameter groups named by prefix after their family and replaced before destroy, so a major
 * upgrade creates the next family's group next to the old one. Connections without TLS are
 * refused.
 */
export class DatabaseParameterGroups extends Construct {
  /** Cluster parameter group (Aurora only). */
  readonly cluster?: RdsClusterParameterGroup;
  /** Instance parameter group (both engines). */
  readonly instance: DbParameterGroup;

  constructor(scope: Construct, id: string, props: DatabaseParameterGroupsProps) {
    super(scope, id);
    const { names, settings } = props;
    const family = `${settings.engine}${settings.engineVersion.split(".")[0]}`;
    const safety = [
      { name: "rds.force_ssl", value: "1" },
      { name: "log_statement", value: settings.logs.statement },
      { name: "log_min_duration_statement", value: String(settings.logs.minDurationMs) },
    ];

    if (settings.engine === "aurora-postgresql") {
      this.cluster = new RdsClusterParameterGroup(this, "cluster", {
        namePrefix: `${names.physical(["db", "cluster", family], { maxLength: 200 })}-`,
        family,
        description: "TLS only, statement and slow-query logging",
        parameter: safety,
        tags: names.nameTag(["db", "cluster", family]),
        lifecycle: { createBeforeDestroy: true },
      });
    }
    // Aurora instances get their own (empty) group from day one: moving an instance from the
    // default group to a custom one later needs a reboot.
    this.instance = new DbParameterGroup(this, "instance", {
      namePrefix: `${names.physical(["db", family], { maxLength: 200 })}-`,
      family,
      description:
        settings.engine === "postgres"
          ? "TLS only, statement and slow-query logging"
          : "Per-instance settings",
      parameter: settings.engine === "postgres" ? safety : [],
      tags: names.nameTag(["db", family]),
      lifecycle: { createBeforeDestroy: true },
    });
  }
}
