/**
 * A strict reader of Fluent Bit's classic configuration format, for the files this platform
 * generates: Debian ships no fluent-bit binary to load them with, so this checks what the
 * binary would refuse (unknown sections, plugins and keys, missing required keys, malformed
 * values) plus what it would silently accept but route wrongly, and simulates the routing of
 * a record through the filters and outputs.
 */

/** One key/value line of a section. */
export interface FluentBitEntry {
  readonly key: string;
  readonly value: string;
  readonly line: number;
}

/** One `[KIND]` section with its entries. */
export interface FluentBitParsedSection {
  readonly kind: string;
  readonly line: number;
  readonly entries: readonly FluentBitEntry[];
}

export interface FluentBitParse {
  readonly sections: readonly FluentBitParsedSection[];
  /** Syntax problems, `line N: ...`. */
  readonly problems: readonly string[];
}

const KNOWN_SECTIONS = [
  "SERVICE",
  "INPUT",
  "FILTER",
  "OUTPUT",
  "PARSER",
  "MULTILINE_PARSER",
  "PLUGINS",
  "UPSTREAM",
];

/** Parses the classic format: `[KIND]` headers at column 0, indented `Key value` entries. */
export function parseFluentBit(text: string): FluentBitParse {
  const sections: { kind: string; line: number; entries: FluentBitEntry[] }[] = [];
  const problems: string[] = [];
  let indent: string | undefined;
  text.split("\n").forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === "" || raw.trim().startsWith("#")) return;
    if (raw.endsWith("\r") || raw.includes("\t")) {
      problems.push(`line ${line}: tabs and carriage returns are not allowed; indent with spaces`);
      return;
    }
    if (raw.startsWith("@")) {
      problems.push(
        `line ${line}: directive ${JSON.stringify(raw.split(" ")[0])} is not allowed here`,
      );
      return;
    }
    if (raw.startsWith("[")) {
      const header = /^\[([A-Z_]+)\]$/.exec(raw);
      if (header === null) {
        problems.push(
          `line ${line}: ${JSON.stringify(raw)} is not a section header such as [OUTPUT]`,
        );
        return;
      }
      if (!KNOWN_SECTIONS.includes(header[1])) {
        problems.push(`line ${line}: unknown section [${header[1]}]`);
      }
      sections.push({ kind: header[1], line, entries: [] });
      indent = undefined;
      return;
    }
    const entry = /^( +)([A-Za-z][A-Za-z0-9_.]*)( +)(\S.*)$/.exec(raw);
    if (entry === null) {
      problems.push(`line ${line}: ${JSON.stringify(raw)} is not an indented "Key value" entry`);
      return;
    }
    const current = sections.at(-1);
    if (current === undefined) {
      problems.push(`line ${line}: entry ${entry[2]} outside any section`);
      return;
    }
    indent ??= entry[1];
    if (entry[1] !== indent) {
      problems.push(`line ${line}: indentation differs from the section's first entry`);
    }
    current.entries.push({ key: entry[2], value: entry[4].trimEnd(), line });
  });
  return { sections, problems };
}

type ValueCheck = (value: string) => string | undefined;

const BOOLEAN = /^(on|off|true|false|yes|no)$/i;
const isTrue = (value: string | undefined) => value !== undefined && /^(on|true|yes)$/i.test(value);
const bool: ValueCheck = (v) => (BOOLEAN.test(v) ? undefined : "must be On/Off or true/false");
/**
 * Bytes of a Fluent Bit size value ("50M", "1G", "100000000"), or undefined if malformed.
 * Decimal units, as flb_utils_size_to_bytes reads them: K is 1000, M 1000², G 1000³.
 */
export function sizeBytes(value: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([KMG])?B?$/i.exec(value);
  if (m === null) return undefined;
  const unit = { K: 1000, M: 1000 ** 2, G: 1000 ** 3 }[(m[2] ?? "").toUpperCase()] ?? 1;
  return Math.floor(Number(m[1]) * unit);
}
const size: ValueCheck = (v) =>
  sizeBytes(v) === undefined ? 'must be a size such as "50M"' : undefined;
const time: ValueCheck = (v) =>
  /^\d+[smhd]?$/i.test(v) ? undefined : 'must be a time such as "10m"';
const integer: ValueCheck = (v) => (/^\d+$/.test(v) ? undefined : "must be an integer");
const oneOf =
  (...allowed: string[]): ValueCheck =>
  (v) =>
    allowed.includes(v) ? undefined : `must be one of ${allowed.join(", ")}`;
const anyValue: ValueCheck = () => undefined;
const regex: ValueCheck = (v) => regexProblem(v);

/**
 * A Fluent Bit pattern as a JavaScript RegExp. Fluent Bit compiles with Onigmo in Ruby syntax
 * (src/flb_regex.c), where a leading `(?i)` makes the whole pattern case-insensitive; Node 20
 * has no inline flags, so that prefix becomes the `i` flag.
 */
export function onigmoRegExp(pattern: string): RegExp {
  const insensitive = pattern.startsWith("(?i)");
  return new RegExp(insensitive ? pattern.slice(4) : pattern, insensitive ? "i" : "");
}

/** A pattern JavaScript cannot compile (Onigmo, Fluent Bit's engine, reads the same syntax). */
export function regexProblem(pattern: string): string | undefined {
  try {
    onigmoRegExp(pattern);
    return undefined;
  } catch (e) {
    return `is not a regular expression (${(e as Error).message})`;
  }
}

const ruleCheck: ValueCheck = (v) => {
  const parts = v.split(/ +/);
  if (parts.length !== 4) return "must be four fields: $KEY REGEX NEW_TAG KEEP (no spaces inside)";
  const [key, pattern, , keep] = parts;
  if (!/^\$[A-Za-z_][A-Za-z0-9_]*(\['[^']+'\])*$/.test(key))
    return `key ${key} must be a record accessor such as $log`;
  // flb_slist_split_tokens reads a field that starts with a double quote as a quoted string.
  if (pattern.startsWith('"')) return "REGEX must not start with a double quote";
  return regexProblem(pattern) ?? (BOOLEAN.test(keep) ? undefined : "KEEP must be true or false");
};
const grepCheck: ValueCheck = (v) => {
  const parts = v.split(/ +/);
  if (parts.length < 2) return "must be KEY REGEX";
  return regexProblem(parts.slice(1).join(" "));
};

interface PluginSpec {
  /** Keys the plugin reads (lower case) with their value checks. */
  readonly keys: Readonly<Record<string, ValueCheck>>;
  /** Keys that must be present. */
  readonly required: readonly string[];
  /** Keys that may appear more than once. */
  readonly repeatable?: readonly string[];
}

const COMMON: Readonly<Record<string, ValueCheck>> = {
  name: anyValue,
  match: anyValue,
  match_regex: regex,
  alias: (v) => (/^[A-Za-z0-9_.-]+$/.test(v) ? undefined : "must be letters, digits, _ . -"),
  log_level: oneOf("off", "error", "warn", "info", "debug", "trace"),
};
const OUTPUT_COMMON: Readonly<Record<string, ValueCheck>> = {
  retry_limit: (v) =>
    /^(\d+|false|no_limits|no_retries|off)$/.test(v)
      ? undefined
      : "must be a number, no_limits or no_retries",
  workers: integer,
};
const AWS_COMMON: Readonly<Record<string, ValueCheck>> = {
  region: (v) =>
    /^[a-z]{2}(-[a-z]+)+-\d$/.test(v) ? undefined : "must be a region such as ap-northeast-1",
  role_arn: anyValue,
  endpoint: anyValue,
  sts_endpoint: anyValue,
  external_id: anyValue,
  profile: anyValue,
  auto_retry_requests: bool,
};

const PLUGINS: Readonly<Record<"FILTER" | "OUTPUT", Readonly<Record<string, PluginSpec>>>> = {
  FILTER: {
    rewrite_tag: {
      keys: {
        rule: ruleCheck,
        emitter_name: anyValue,
        "emitter_storage.type": oneOf("memory", "filesystem"),
        emitter_mem_buf_limit: size,
      },
      required: ["rule"],
      repeatable: ["rule"],
    },
    grep: {
      keys: { regex: grepCheck, exclude: grepCheck, logical_op: oneOf("AND", "OR", "legacy") },
      required: [],
      repeatable: ["regex", "exclude"],
    },
    parser: {
      keys: { key_name: anyValue, parser: anyValue, preserve_key: bool, reserve_data: bool },
      required: ["key_name", "parser"],
      repeatable: ["parser"],
    },
  },
  OUTPUT: {
    cloudwatch_logs: {
      keys: {
        ...AWS_COMMON,
        log_group_name: anyValue,
        log_stream_name: anyValue,
        log_stream_prefix: anyValue,
        log_key: anyValue,
        log_format: anyValue,
        auto_create_group: bool,
        log_retention_days: integer,
        metric_namespace: anyValue,
        metric_dimensions: anyValue,
      },
      required: ["region", "log_group_name"],
    },
    s3: {
      keys: {
        ...AWS_COMMON,
        bucket: (v) =>
          /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(v) ? undefined : "must be a bucket name",
        total_file_size: size,
        upload_chunk_size: size,
        upload_timeout: time,
        use_put_object: bool,
        compression: oneOf("gzip", "zstd", "arrow", "parquet"),
        content_type: anyValue,
        s3_key_format: (v) => (v.startsWith("/") ? undefined : 'must start with "/"'),
        s3_key_format_tag_delimiters: anyValue,
        static_file_path: bool,
        store_dir: (v) => (v.startsWith("/") ? undefined : "must be an absolute path"),
        store_dir_limit_size: size,
        canned_acl: anyValue,
        send_content_md5: bool,
        preserve_data_ordering: bool,
        storage_class: anyValue,
        log_key: anyValue,
        json_date_key: anyValue,
        json_date_format: oneOf("double", "epoch", "epoch_ms", "iso8601", "java_sql_timestamp"),
      },
      required: ["bucket", "region"],
    },
  },
};

/** [SERVICE] keys an included file sets (FireLens's generated main file has no [SERVICE]). */
const SERVICE_KEYS: Readonly<Record<string, ValueCheck>> = {
  flush: (v) => (/^\d+(\.\d+)?$/.test(v) ? undefined : "must be seconds"),
  grace: integer,
  log_level: COMMON.log_level,
};

/** Everything Fluent Bit would refuse, or accept but run wrongly, in an included file. */
export function checkFluentBit(
  text: string,
  options: {
    /** Section kinds this file may hold (FireLens owns [SERVICE] and [INPUT]). */
    readonly sections: readonly string[];
  },
): string[] {
  const parsed = parseFluentBit(text);
  const problems = [...parsed.problems];
  for (const section of parsed.sections) {
    const at = `[${section.kind}] at line ${section.line}`;
    if (!options.sections.includes(section.kind)) {
      problems.push(
        `${at}: this file may hold only ${options.sections.map((s) => `[${s}]`).join(", ")}`,
      );
      continue;
    }
    if (section.kind === "SERVICE") {
      for (const e of section.entries) {
        const check = SERVICE_KEYS[e.key.toLowerCase()] as ValueCheck | undefined;
        const problem =
          check === undefined ? `[SERVICE] has no key ${JSON.stringify(e.key)}` : check(e.value);
        if (problem !== undefined) problems.push(`line ${e.line}: ${e.key} ${problem}`);
      }
      continue;
    }
    const plugins = PLUGINS[section.kind as "FILTER" | "OUTPUT"] as
      Readonly<Record<string, PluginSpec>> | undefined;
    const entries = section.entries.map((e) => ({ ...e, key: e.key.toLowerCase() }));
    const value = (key: string) => entries.find((e) => e.key === key)?.value;
    const name = value("name");
    if (name === undefined) {
      problems.push(`${at}: Name is required`);
      continue;
    }
    const spec = plugins?.[name];
    if (spec === undefined) {
      problems.push(
        `${at}: unknown ${section.kind.toLowerCase()} plugin ${JSON.stringify(name)}; known: ${Object.keys(plugins ?? {}).join(", ")}`,
      );
      continue;
    }
    if ((value("match") === undefined) === (value("match_regex") === undefined)) {
      problems.push(`${at}: exactly one of Match or Match_Regex is required`);
    }
    const keys: Record<string, ValueCheck> = {
      ...COMMON,
      ...(section.kind === "OUTPUT" ? OUTPUT_COMMON : {}),
      ...spec.keys,
    };
    const seen = new Set<string>();
    for (const e of entries) {
      const check = keys[e.key] as ValueCheck | undefined;
      if (check === undefined) {
        problems.push(`line ${e.line}: ${name} has no key ${JSON.stringify(e.key)}`);
        continue;
      }
      if (seen.has(e.key) && !(spec.repeatable ?? []).includes(e.key)) {
        problems.push(`line ${e.line}: ${e.key} is given twice`);
      }
      seen.add(e.key);
      const problem = check(e.value);
      if (problem !== undefined)
        problems.push(`line ${e.line}: ${e.key} ${JSON.stringify(e.value)} ${problem}`);
    }
    for (const key of spec.required) {
      if (!seen.has(key)) problems.push(`${at}: ${name} needs ${key}`);
    }
    if (
      name === "cloudwatch_logs" &&
      seen.has("log_stream_name") === seen.has("log_stream_prefix")
    ) {
      problems.push(
        `${at}: cloudwatch_logs needs exactly one of log_stream_name or log_stream_prefix`,
      );
    }
    if (name === "s3") {
      const putObject = isTrue(value("use_put_object"));
      const total = sizeBytes(value("total_file_size") ?? "100000000");
      // MIN_FILE_SIZE and MAX_FILE_SIZE(_PUT_OBJECT) of plugins/out_s3/s3.h, in bytes.
      const max = putObject ? 1_000_000_000 : 50_000_000_000;
      if (total !== undefined && (total < 1_000_000 || total > max)) {
        problems.push(
          `${at}: total_file_size must be 1M..${putObject ? "1G with use_put_object On" : "50G"}`,
        );
      }
      const key = value("s3_key_format") ?? "";
      if (putObject && /\.[a-z0-9]+$/i.test(key) && !key.includes("$UUID")) {
        problems.push(`${at}: with use_put_object On a key suffix needs $UUID in s3_key_format`);
      }
      if (value("compression") === "gzip" && !/\.gz$/.test(key)) {
        problems.push(`${at}: gzip objects should end in .gz (s3_key_format)`);
      }
    }
  }
  return problems;
}

/** Fluent Bit's tag match: `*` stands for any run of characters, everything else is literal. */
export function tagMatches(pattern: string, tag: string): boolean {
  const source = pattern
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${source}$`).test(tag);
}

/** Where one record ends up: the outputs (by Name) that receive it, with the tag it has then. */
export function routeRecord(
  text: string,
  tag: string,
  record: Readonly<Record<string, string>>,
): { readonly output: string; readonly tag: string }[] {
  const sections = parseFluentBit(text).sections.map((s) => ({
    kind: s.kind,
    entries: s.entries.map((e) => ({ key: e.key.toLowerCase(), value: e.value })),
  }));
  const get = (s: (typeof sections)[number], key: string) =>
    s.entries.filter((e) => e.key === key).map((e) => e.value);
  const matches = (s: (typeof sections)[number], t: string) =>
    get(s, "match").some((m) => tagMatches(m, t)) ||
    get(s, "match_regex").some((m) => onigmoRegExp(m).test(t));
  const delivered: { output: string; tag: string }[] = [];
  const queue: { tag: string; record: Readonly<Record<string, string>> }[] = [{ tag, record }];
  for (let n = 0; n < queue.length && n < 100; n++) {
    const event = queue[n];
    let kept = true;
    for (const f of sections.filter((s) => s.kind === "FILTER" && matches(s, event.tag))) {
      const plugin = get(f, "name")[0];
      if (plugin === "grep") {
        const pass = get(f, "regex").every((r) => {
          const [key, ...rest] = r.split(" ");
          return onigmoRegExp(rest.join(" ")).test(event.record[key] ?? "");
        });
        const excluded = get(f, "exclude").some((r) => {
          const [key, ...rest] = r.split(" ");
          return onigmoRegExp(rest.join(" ")).test(event.record[key] ?? "");
        });
        if (!pass || excluded) kept = false;
      } else if (plugin === "rewrite_tag") {
        for (const rule of get(f, "rule")) {
          const [key, pattern, newTag, keep] = rule.split(/ +/);
          if (onigmoRegExp(pattern).test(event.record[key.slice(1)] ?? "")) {
            // Re-emitted records start the pipeline again under their new tag.
            queue.push({ tag: newTag.replaceAll("$TAG", event.tag), record: event.record });
            if (!isTrue(keep)) kept = false;
            break;
          }
        }
      }
      if (!kept) break;
    }
    if (!kept) continue;
    for (const o of sections.filter((s) => s.kind === "OUTPUT" && matches(s, event.tag))) {
      delivered.push({ output: get(o, "name")[0], tag: event.tag });
    }
  }
  return delivered;
}
