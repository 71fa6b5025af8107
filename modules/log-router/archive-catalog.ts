import { Construct } from "constructs";
import { AthenaWorkgroup } from "@cdktf/provider-aws/lib/athena-workgroup";
import { GlueCatalogDatabase } from "@cdktf/provider-aws/lib/glue-catalog-database";
import { GlueCatalogTable } from "@cdktf/provider-aws/lib/glue-catalog-table";
import { ATHENA_RESULTS_PREFIX } from "../../lib/log-prefixes";
import type { Names } from "../../lib/names";

export interface LogArchiveCatalogProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** The central log bucket's name. */
  readonly bucket: string;
  /** The routers' key prefix (`services.logRouter.keyPrefix`). */
  readonly keyPrefix: string;
  /** The services whose routers archive there. */
  readonly services: readonly string[];
  /** The archive has `hour=` partitions. */
  readonly hourly: boolean;
}

/** The columns of a FireLens record as the S3 output writes it (JSON lines). */
const COLUMNS = [
  ["date", "string"],
  ["log", "string"],
  ["source", "string"],
  ["container_name", "string"],
  ["container_id", "string"],
  ["ecs_cluster", "string"],
  ["ecs_task_arn", "string"],
  ["ecs_task_definition", "string"],
] as const;

/**
 * A Glue table over the log routers' archive and an Athena workgroup to query it. Partition
 * projection computes the partitions (service, year, month, day) from the key layout, so no
 * crawler runs and new days are queryable at once; results go to the log bucket, SSE-S3.
 */
export class LogArchiveCatalog extends Construct {
  readonly database: GlueCatalogDatabase;
  readonly table: GlueCatalogTable;
  readonly workgroup: AthenaWorkgroup;

  constructor(scope: Construct, id: string, props: LogArchiveCatalogProps) {
    super(scope, id);
    const { names } = props;
    this.database = new GlueCatalogDatabase(this, "database", {
      name: names.catalog("logs"),
      description: "Log routers' archive in the central log bucket",
    });
    const root = `s3://${props.bucket}/${props.keyPrefix}`;
    // "$${" is a literal "${" for Terraform: Athena fills these placeholders, not Terraform.
    const template = `${root}/$\${service}/year=$\${year}/month=$\${month}/day=$\${day}${props.hourly ? "/hour=$${hour}" : ""}/`;
    const twoDigits = (name: string, range: string) => ({
      [`projection.${name}.type`]: "integer",
      [`projection.${name}.range`]: range,
      [`projection.${name}.digits`]: "2",
    });
    this.table = new GlueCatalogTable(this, "table", {
      name: "services",
      databaseName: this.database.name,
      tableType: "EXTERNAL_TABLE",
      parameters: {
        EXTERNAL: "TRUE",
        classification: "json",
        "projection.enabled": "true",
        "projection.service.type": "enum",
        "projection.service.values": props.services.join(","),
        "projection.year.type": "integer",
        "projection.year.range": "2024,2099",
        ...twoDigits("month", "1,12"),
        ...twoDigits("day", "1,31"),
        ...(props.hourly ? twoDigits("hour", "0,23") : {}),
        "storage.location.template": template,
      },
      partitionKeys: ["service", "year", "month", "day", ...(props.hourly ? ["hour"] : [])].map(
        (name) => ({ name, type: "string" }),
      ),
      storageDescriptor: {
        location: `${root}/`,
        inputFormat: "org.apache.hadoop.mapred.TextInputFormat",
        outputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
        serDeInfo: {
          serializationLibrary: "org.openx.data.jsonserde.JsonSerDe",
          parameters: { "ignore.malformed.json": "true" },
        },
        columns: COLUMNS.map(([name, type]) => ({ name, type })),
      },
    });
    this.workgroup = new AthenaWorkgroup(this, "workgroup", {
      name: names.physical("logs", { maxLength: 128 }),
      description: "Queries over the log routers' archive",
      // Query history and saved queries only; the results stay in the log bucket.
      forceDestroy: true,
      configuration: {
        enforceWorkgroupConfiguration: true,
        publishCloudwatchMetricsEnabled: true,
        // A runaway query over a year of logs stops at 10 GiB scanned.
        bytesScannedCutoffPerQuery: 10 * 1024 ** 3,
        resultConfiguration: {
          outputLocation: `s3://${props.bucket}/${ATHENA_RESULTS_PREFIX}/`,
          encryptionConfiguration: { encryptionOption: "SSE_S3" },
        },
      },
      tags: names.nameTag("logs"),
    });
  }
}
