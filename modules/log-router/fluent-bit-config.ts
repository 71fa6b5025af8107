/**
 * The Fluent Bit configuration of a service's log router, in Fluent Bit's classic format.
 *
 * Classic rather than YAML: FireLens writes the main configuration (inputs, the ECS metadata
 * filter) in the classic format, and the init image adds each downloaded file to it with
 * `@INCLUDE`, which only includes classic files; the 1.9 series the AWS image ships has no
 * YAML support to speak of either.
 */

/** One section: its entries in order (keys may repeat, e.g. `Rule`). */
export interface FluentBitSection {
  readonly kind: "SERVICE" | "FILTER" | "OUTPUT";
  readonly entries: readonly (readonly [key: string, value: string])[];
}

/** What a service's router does with its application's lines. */
export interface RouterPipeline {
  /** The application container's name: FireLens tags its lines `<name>-firelens-<task id>`. */
  readonly container: string;
  /** Region of the log group and the bucket. */
  readonly region: string;
  /**
   * Regular expression (Onigmo, Ruby syntax) the raw `log` string must match to count as an
   * error; JSON lines are matched as text, so the archive keeps every line as written.
   */
  readonly errorPattern: string;
  /** Log group the error lines go to (created by Terraform, with its retention). */
  readonly logGroupName: string;
  /** Stream prefix inside that group. */
  readonly logStreamPrefix: string;
  /** Bucket every line goes to. */
  readonly bucket: string;
  /** Object key format (strftime, `$UUID`), e.g. `/services/web/year=%Y/.../%H%M%S-$UUID.gz`. */
  readonly keyFormat: string;
  /** Size of one object before it is uploaded, MB (Fluent Bit's `M` is 1000², not 1024²). */
  readonly totalFileSizeMB: number;
  /** Minutes after which a smaller object is uploaded anyway. */
  readonly uploadTimeoutMinutes: number;
  /** Seconds Fluent Bit keeps flushing (the S3 buffer included) after SIGTERM. */
  readonly graceSeconds: number;
}

/** The tag prefix error copies get; nothing FireLens emits starts with it. */
export const ERROR_TAG_PREFIX = "error.";

/** The tag pattern of the application container's lines. */
export function applicationMatch(container: string): string {
  return `${container}-firelens-*`;
}

/**
 * A copy of every error line (rewrite_tag keeps the original) re-enters the pipeline as
 * `error.<tag>` and goes to CloudWatch Logs; the originals, errors included, go to S3 as gzip.
 */
export function routerSections(p: RouterPipeline): FluentBitSection[] {
  return [
    // FireLens's generated main file has no [SERVICE], so Fluent Bit would stop 5 s after
    // SIGTERM and drop what the S3 output still buffers; AWS's own minimize-log-loss.conf sets
    // Grace the same way, from an included file.
    { kind: "SERVICE", entries: [["Grace", String(p.graceSeconds)]] },
    {
      kind: "FILTER",
      entries: [
        ["Name", "rewrite_tag"],
        ["Match", applicationMatch(p.container)],
        ["Rule", `$log ${p.errorPattern} ${ERROR_TAG_PREFIX}$TAG true`],
        ["Emitter_Name", "errors"],
        ["Emitter_Mem_Buf_Limit", "10M"],
      ],
    },
    {
      kind: "OUTPUT",
      entries: [
        ["Name", "cloudwatch_logs"],
        ["Match", `${ERROR_TAG_PREFIX}*`],
        ["region", p.region],
        ["log_group_name", p.logGroupName],
        ["log_stream_prefix", p.logStreamPrefix],
        ["auto_create_group", "false"],
      ],
    },
    {
      kind: "OUTPUT",
      entries: [
        ["Name", "s3"],
        ["Match", applicationMatch(p.container)],
        ["region", p.region],
        ["bucket", p.bucket],
        ["total_file_size", `${p.totalFileSizeMB}M`],
        ["upload_timeout", `${p.uploadTimeoutMinutes}m`],
        // One PutObject per file: gzip compresses whole objects, and the task role then
        // needs s3:PutObject only (no multipart upload to abort).
        ["use_put_object", "On"],
        ["compression", "gzip"],
        ["s3_key_format", p.keyFormat],
        ["store_dir", "/tmp/fluent-bit/s3"],
      ],
    },
  ];
}

/** The classic-format text: sections separated by a blank line, keys aligned. */
export function renderFluentBit(sections: readonly FluentBitSection[]): string {
  return sections
    .map((section) => {
      const width = Math.max(...section.entries.map(([key]) => key.length));
      const lines = section.entries.map(([key, value]) => `    ${key.padEnd(width)} ${value}`);
      return [`[${section.kind}]`, ...lines].join("\n");
    })
    .join("\n\n")
    .concat("\n");
}
