import { createHash } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, type EnvironmentInput } from "../../config";
import { FargateService } from "../../modules/fargate-service";
import {
  checkFluentBit,
  parseFluentBit,
  routeRecord,
  sizeBytes,
  tagMatches,
} from "../../modules/log-router/fluent-bit-check";
import { DEFAULT_ERROR_PATTERN } from "../../modules/log-router/settings";
import { renderFluentBit, routerSections } from "../../modules/log-router/fluent-bit-config";
import { rejection, shippedInput, withEnv } from "../helpers/config";
import { synthNatlessDev, synthPlatform, synthShipped } from "../helpers/synth";
import { bodies, byPath, resources, type Block, type TfJson } from "../helpers/tf";

const { stacks } = synthShipped();
const ROUTED: Record<"dev" | "prod", string[]> = {
  dev: ["web", "api", "worker"],
  prod: ["web", "api"],
};
const RETENTION = { dev: 7, prod: 30 };
const ACCOUNT = { dev: "111111111111", prod: "222222222222" };

interface Container {
  name: string;
  image: string;
  essential: boolean;
  firelensConfiguration?: { type: string; options: Record<string, string> };
  environment: { name: string; value: string }[];
  memoryReservation?: number;
  logConfiguration: { logDriver: string; options?: Record<string, string> };
  dependsOn?: { containerName: string; condition: string }[];
}
const containers = (json: TfJson, service: string): Container[] =>
  JSON.parse(
    String(byPath(json, "aws_ecs_task_definition", `${service}/task`).container_definitions),
  ) as Container[];
const statements = (json: TfJson, suffix: string): Block[] => {
  const entry = Object.values(json.data?.aws_iam_policy_document ?? {}).find((b) =>
    (b["//"] as { metadata: { path: string } }).metadata.path.endsWith(suffix),
  );
  return (entry?.statement ?? []) as Block[];
};
const configOf = (json: TfJson, service: string): string =>
  String(byPath(json, "aws_s3_object", `${service}/log-router/config`).content);

/** A valid generated configuration for the checker's negative cases. */
const sample = renderFluentBit(
  routerSections({
    container: "web",
    region: "ap-northeast-1",
    errorPattern: DEFAULT_ERROR_PATTERN,
    logGroupName: "/platform/dev/ecs/web",
    logStreamPrefix: "web/",
    bucket: "platform-dev-logs-111111111111-ap-northeast-1",
    keyFormat: "/services/web/year=%Y/month=%m/day=%d/%H%M%S-$UUID.gz",
    totalFileSizeMB: 50,
    uploadTimeoutMinutes: 2,
    graceSeconds: 30,
  }),
);
const check = (text: string) => checkFluentBit(text, { sections: ["SERVICE", "FILTER", "OUTPUT"] });

describe("the generated Fluent Bit configuration (checked without a fluent-bit binary)", () => {
  it.each(["dev", "prod"] as const)(
    "%s: every router's configuration passes the strict check",
    (env) => {
      const json = stacks[`platform-${env}-services`];
      for (const service of ROUTED[env]) {
        const text = configOf(json, service);
        expect(check(text), service).toEqual([]);
        const kinds = parseFluentBit(text).sections.map((s) => s.kind);
        expect(kinds).toEqual(["SERVICE", "FILTER", "OUTPUT", "OUTPUT"]);
      }
    },
  );

  it("routes error lines to CloudWatch Logs and every line, errors included, to S3", () => {
    const text = configOf(stacks["platform-prod-services"], "api");
    const tag = "api-firelens-0123456789abcdef";
    expect(routeRecord(text, tag, { log: "2026-12-03 ERROR payment failed" })).toEqual([
      { output: "s3", tag },
      { output: "cloudwatch_logs", tag: `error.${tag}` },
    ]);
    expect(routeRecord(text, tag, { log: "FATAL out of memory" })).toContainEqual({
      output: "cloudwatch_logs",
      tag: `error.${tag}`,
    });
    expect(routeRecord(text, tag, { log: "INFO GET /api/health 200" })).toEqual([
      { output: "s3", tag },
    ]);
    // Another container's lines (or the router's own) are not this service's to archive.
    expect(routeRecord(text, "web-firelens-0123", { log: "ERROR x" })).toEqual([]);
  });

  it.each([
    ["plain text, upper case", "2026-12-03 ERROR payment failed", true],
    ["plain text, lower case", "error: connect ECONNREFUSED", true],
    ["plain text, fatal", "Fatal: out of memory", true],
    ["plain text, critical", "[CRITICAL] disk full", true],
    ["pino error (numeric 50)", '{"level":50,"time":1764720000000,"msg":"payment failed"}', true],
    ["pino fatal (numeric 60)", '{"level":60,"time":1764720000000,"msg":"exiting"}', true],
    ["pino info (numeric 30)", '{"level":30,"time":1764720000000,"msg":"listening"}', false],
    ["pino with a level of 500", '{"level":500,"msg":"x"}', false],
    ["winston error", '{"level":"error","message":"payment failed"}', true],
    ["winston info", '{"level":"info","message":"GET /health 200"}', false],
    ["a NO_ERROR status", "status=NO_ERROR code=0", false],
    ["errors counted, none raised", "0 errors, 3 warnings", false],
    ["an info line", "INFO GET /api/health 200", false],
  ])("the default error pattern: %s (%s) goes to CloudWatch Logs: %s", (_what, line, error) => {
    const tag = "web-firelens-0123";
    const outputs = routeRecord(sample, tag, { log: line }).map((d) => d.output);
    expect(outputs).toEqual(error ? ["s3", "cloudwatch_logs"] : ["s3"]);
  });

  it("lets Fluent Bit flush the S3 buffer for 30 s after SIGTERM, within the container's stop timeout", () => {
    for (const env of ["dev", "prod"] as const) {
      for (const service of ROUTED[env]) {
        const json = stacks[`platform-${env}-services`];
        const first = parseFluentBit(configOf(json, service)).sections[0];
        expect(first.kind).toBe("SERVICE");
        expect(first.entries.map((e) => [e.key, e.value])).toEqual([["Grace", "30"]]);
        const router = containers(json, service).find((c) => c.name === "log-router") as
          (Container & { stopTimeout: number }) | undefined;
        expect(router?.stopTimeout).toBeGreaterThan(30);
        expect(router?.stopTimeout).toBeLessThanOrEqual(120);
        const s3 = parseFluentBit(configOf(json, service)).sections[3].entries;
        expect(s3.find((e) => e.key === "upload_timeout")?.value).toBe("2m");
      }
    }
  });

  it("reads sizes as Fluent Bit does: K, M and G are powers of 1000", () => {
    expect(sizeBytes("1M")).toBe(1_000_000);
    expect(sizeBytes("50MB")).toBe(50_000_000);
    expect(sizeBytes("1G")).toBe(1_000_000_000);
    expect(sizeBytes("2k")).toBe(2000);
    expect(sizeBytes("1.5M")).toBe(1_500_000);
    expect(sizeBytes("100000000")).toBe(100_000_000);
    expect(sizeBytes("1MiB")).toBeUndefined();
  });

  it("writes gzip objects under year=/month=/day=/ per service to the central log bucket", () => {
    for (const env of ["dev", "prod"] as const) {
      for (const service of ROUTED[env]) {
        const s3 = parseFluentBit(configOf(stacks[`platform-${env}-services`], service)).sections[3]
          .entries;
        const value = (key: string) => s3.find((e) => e.key === key)?.value;
        expect(value("bucket")).toBe(`platform-${env}-logs-${ACCOUNT[env]}-ap-northeast-1`);
        expect(value("compression")).toBe("gzip");
        expect(value("s3_key_format")).toBe(
          `/services/${service}/year=%Y/month=%m/day=%d/%H%M%S-$UUID.gz`,
        );
        const cw = parseFluentBit(configOf(stacks[`platform-${env}-services`], service)).sections[2]
          .entries;
        expect(cw.find((e) => e.key === "log_group_name")?.value).toBe(
          `/platform/${env}/ecs/${service}`,
        );
        // Terraform owns the group and its retention; the router never creates one.
        expect(cw.find((e) => e.key === "auto_create_group")?.value).toBe("false");
      }
    }
  });

  it.each([
    ["an unknown section", sample.replace("[FILTER]", "[FILTERS]"), /unknown section \[FILTERS\]/],
    [
      "an [INPUT] (FireLens owns inputs)",
      `[INPUT]\n    Name forward\n\n${sample}`,
      /may hold only \[SERVICE\], \[FILTER\], \[OUTPUT\]/,
    ],
    [
      "an unknown plugin",
      sample.replace("Name              cloudwatch_logs", "Name cloudwatch"),
      /unknown output plugin "cloudwatch"/,
    ],
    [
      "an unknown key",
      sample.replace("use_put_object  On", "use_putobject On"),
      /s3 has no key "use_putobject"/,
    ],
    ["a missing required key", sample.replace(/ +bucket .*\n/, ""), /s3 needs bucket/],
    [
      "a repeated key",
      sample.replace(
        "    compression     gzip\n",
        "    compression     gzip\n    compression     gzip\n",
      ),
      /compression is given twice/,
    ],
    [
      "no Match",
      sample.replace("    Match             error.*\n", ""),
      /exactly one of Match or Match_Regex/,
    ],
    [
      "both stream options",
      sample.replace("log_stream_prefix web/", "log_stream_prefix web/\n    log_stream_name x"),
      /exactly one of log_stream_name or log_stream_prefix/,
    ],
    ["a malformed rewrite rule", sample.replace("error.$TAG true", "error.$TAG"), /four fields/],
    [
      "a rule regex that does not compile",
      sample.replace("(50|60)", "(50|60"),
      /is not a regular expression/,
    ],
    [
      "a rule regex starting with a double quote (read as a quoted field)",
      sample.replace(DEFAULT_ERROR_PATTERN, '"level":50'),
      /REGEX must not start with a double quote/,
    ],
    [
      "an unknown [SERVICE] key",
      sample.replace("Grace 30", "Grace_Period 30"),
      /\[SERVICE\] has no key "Grace_Period"/,
    ],
    [
      "an object too large for PutObject",
      sample.replace("50M", "2G"),
      /total_file_size must be 1M\.\.1G/,
    ],
    [
      "an object over 1000000000 bytes (1001M; Fluent Bit's M is 1000000)",
      sample.replace("50M", "1001M"),
      /total_file_size must be 1M\.\.1G/,
    ],
    ["a gzip key without .gz", sample.replace("$UUID.gz", "$UUID.json"), /should end in \.gz/],
    [
      "a non-boolean flag",
      sample.replace("auto_create_group false", "auto_create_group maybe"),
      /must be On\/Off or true\/false/,
    ],
    ["a tab", sample.replace("    Name            s3", "\tName s3"), /tabs and carriage returns/],
    ["an entry before any section", `    Name grep\n${sample}`, /outside any section/],
  ])("refuses %s", (_what, text, message) => {
    expect(check(text).join("\n")).toMatch(message);
  });

  it("matches tags as Fluent Bit does: * is any run, dots are literal", () => {
    expect(tagMatches("error.*", "error.web-firelens-1")).toBe(true);
    expect(tagMatches("error.*", "errorXweb")).toBe(false);
    expect(tagMatches("web-firelens-*", "error.web-firelens-1")).toBe(false);
  });
});

describe("log router documentation", () => {
  const docs = join(__dirname, "..", "..", "docs");
  it("shows dev's api configuration exactly as generated", () => {
    const page = readFileSync(join(docs, "logging.md"), "utf8");
    expect(page).toContain(`\`\`\`\n${configOf(stacks["platform-dev-services"], "api")}\`\`\``);
  });

  it("no page calls the log router unbuilt or says every service logs through awslogs", () => {
    for (const file of readdirSync(docs).filter((f) => f.endsWith(".md"))) {
      const text = readFileSync(join(docs, file), "utf8").replace(/\s+/g, " ");
      expect(text, file).not.toMatch(
        /Not built[^.]*FireLens|not part of these modules yet; services still log through/,
      );
    }
  });
});

describe("log router wiring (synthesized JSON)", () => {
  it.each(["dev", "prod"] as const)(
    "%s: a router container beside each opted-in application, from the pull-through cache, pinned",
    (env) => {
      const json = stacks[`platform-${env}-services`];
      for (const service of ROUTED[env]) {
        const [app, router] = containers(json, service);
        expect(app.logConfiguration).toEqual({ logDriver: "awsfirelens" });
        expect(app.dependsOn).toEqual([{ containerName: "log-router", condition: "START" }]);
        expect(router).toMatchObject({
          name: "log-router",
          essential: true,
          memoryReservation: 50,
          firelensConfiguration: {
            type: "fluentbit",
            options: { "enable-ecs-log-metadata": "true" },
          },
        });
        expect(router.image).toBe(
          `${ACCOUNT[env]}.dkr.ecr.ap-northeast-1.amazonaws.com/ecr-public/aws-observability/aws-for-fluent-bit:init-2.34.3.20260623`,
        );
        const vars = Object.fromEntries(router.environment.map((v) => [v.name, v.value]));
        expect(vars.aws_fluent_bit_init_s3_1).toMatch(
          new RegExp(
            `^arn:aws:s3:::\\$\\{aws_s3_bucket\\.log-router-config_bucket_\\w+\\.bucket\\}/${service}\\.conf$`,
          ),
        );
        // A changed configuration is a new task definition revision.
        expect(vars.FLUENT_BIT_CONFIG_SHA256).toBe(
          createHash("sha256").update(configOf(json, service)).digest("hex"),
        );
        expect(router.logConfiguration.logDriver).toBe("awslogs");
        expect(router.logConfiguration.options?.["awslogs-group"]).toMatch(
          /^\$\{aws_cloudwatch_log_group\..*log-router_logs.*\.name\}$/,
        );
        // The service waits for its configuration object and its roles' policies before
        // starting tasks.
        const service_ = byPath(json, "aws_ecs_service", `${service}/service`);
        expect(service_.depends_on).toContainEqual(
          expect.stringMatching(/^aws_s3_object\..*log-router_config/),
        );
        for (const role of ["execution", "task"]) {
          expect(service_.depends_on).toContainEqual(
            expect.stringMatching(
              new RegExp(`^aws_iam_role_policy\\.${service}_roles_${role}-policy_`),
            ),
          );
        }
      }
      // The task size stays the configured, valid Fargate size.
      const task = byPath(json, "aws_ecs_task_definition", "api/task");
      expect(task).toMatchObject({ cpu: env === "dev" ? "512" : "1024" });
    },
  );

  it.each(["dev", "prod"] as const)(
    "%s: the router's own log group keeps logs as long as the service's",
    (env) => {
      const json = stacks[`platform-${env}-services`];
      for (const service of ROUTED[env]) {
        const own = byPath(json, "aws_cloudwatch_log_group", `${service}/log-router/logs`);
        const group = byPath(json, "aws_cloudwatch_log_group", `${service}/logs`);
        expect(own.name).toBe(`/platform/${env}/ecs/${service}/log-router`);
        expect(own.retention_in_days).toBe(RETENTION[env]);
        expect(group.retention_in_days).toBe(RETENTION[env]);
      }
    },
  );

  it.each(["dev", "prod"] as const)(
    "%s: counts error lines in the service's group and alarms on them to the warning topic",
    (env) => {
      const json = stacks[`platform-${env}-services`];
      for (const service of ROUTED[env]) {
        const filter = byPath(
          json,
          "aws_cloudwatch_log_metric_filter",
          `${service}/log-router/error-lines`,
        );
        expect(String(filter.log_group_name)).toMatch(
          new RegExp(`^\\$\\{aws_cloudwatch_log_group\\.${service}_logs_\\w+\\.name\\}$`),
        );
        expect(filter.metric_transformation).toEqual({
          namespace: `platform-${env}/logs`,
          name: `${service}-error-lines`,
          value: "1",
        });
        const alarm = byPath(
          json,
          "aws_cloudwatch_metric_alarm",
          `${service}/log-router/error-alarm`,
        );
        expect(alarm).toMatchObject({
          namespace: `platform-${env}/logs`,
          metric_name: `${service}-error-lines`,
          statistic: "Sum",
          comparison_operator: "GreaterThanThreshold",
          threshold: 0,
          evaluation_periods: 5,
          // The first minute with an error line alerts; five quiet minutes clear it.
          datapoints_to_alarm: 1,
          treat_missing_data: "notBreaching",
          period: 60,
        });
        for (const actions of [alarm.alarm_actions, alarm.ok_actions]) {
          expect((actions as string[])[0]).toMatch(
            new RegExp(
              `platform-${env}-ops\\.outputs\\.cross-stack-output-aws_sns_topictopics_warning_`,
            ),
          );
        }
      }
    },
  );

  it("grants the router exactly its image, its configuration, its archive prefix and the service's streams", () => {
    const json = stacks["platform-prod-services"];
    const pull = statements(json, "web/roles/execution-document").find(
      (s) => s.sid === "LogRouterPull",
    );
    expect(pull?.resources).toEqual([
      "arn:aws:ecr:ap-northeast-1:222222222222:repository/ecr-public/aws-observability/aws-for-fluent-bit",
    ]);
    expect(pull?.actions).toEqual(
      expect.arrayContaining(["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"]),
    );
    const logs = statements(json, "web/roles/execution-document").find((s) => s.sid === "Logs");
    expect(logs?.resources).toContainEqual(expect.stringMatching(/log-router_logs_\w+\.arn\}:\*$/));
    const task = Object.fromEntries(
      statements(json, "web/roles/task-document").map((s) => [String(s.sid), s]),
    );
    expect(task.LogArchive.actions).toEqual(["s3:PutObject"]);
    expect(task.LogArchive.resources).toEqual([
      "arn:aws:s3:::platform-prod-logs-222222222222-ap-northeast-1/services/web/*",
    ]);
    expect(task.LogRouterConfig.actions).toEqual(["s3:GetObject"]);
    expect(task.LogRouterConfig.resources).toEqual([
      expect.stringMatching(/^arn:aws:s3:::\$\{aws_s3_bucket\..*\.bucket\}\/web\.conf$/),
    ]);
    expect(task.ErrorLogs.actions).toEqual(["logs:CreateLogStream", "logs:PutLogEvents"]);
    expect(task.ErrorLogs.resources).toEqual([
      expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.web_logs_\w+\.arn\}:\*$/),
    ]);
    for (const s of Object.values(task)) expect(s.resources).not.toContain("*");
  });

  it("keeps the configurations in a hardened bucket of their own, protected in production", () => {
    for (const env of ["dev", "prod"] as const) {
      const json = stacks[`platform-${env}-services`];
      const bucket = byPath(json, "aws_s3_bucket", "log-router-config/bucket");
      expect(bucket.bucket).toBe(`platform-${env}-log-router-${ACCOUNT[env]}-ap-northeast-1`);
      expect(bucket.lifecycle).toEqual(
        env === "prod" ? { prevent_destroy: true } : { prevent_destroy: false },
      );
      const policy = byPath(json, "aws_s3_bucket_policy", "log-router-config/policy");
      expect(String(policy.policy)).toMatch(/log-router-config_policy-document/);
      expect(bodies(json, "aws_s3_object")).toHaveLength(ROUTED[env].length);
    }
  });

  it("creates the public.ecr.aws pull-through cache in the ECR stack of each environment's account", () => {
    for (const env of ["dev", "prod"] as const) {
      const rules = bodies(stacks[`platform-${env}-ecr`], "aws_ecr_pull_through_cache_rule");
      expect(rules).toEqual([
        expect.objectContaining({
          ecr_repository_prefix: "ecr-public",
          upstream_registry_url: "public.ecr.aws",
        }),
      ]);
    }
  });

  it("catalogs the archive for Athena: partition projection over service and date, results in the log bucket", () => {
    for (const env of ["dev", "prod"] as const) {
      const ops = stacks[`platform-${env}-ops`];
      expect(byPath(ops, "aws_glue_catalog_database", "log-archive/database").name).toBe(
        `platform_${env}_logs`,
      );
      const table = byPath(ops, "aws_glue_catalog_table", "log-archive/table");
      const parameters = table.parameters as Record<string, string>;
      expect(parameters["projection.enabled"]).toBe("true");
      expect(parameters["projection.service.values"]).toBe(ROUTED[env].join(","));
      // "$${" stays a literal "${" for Athena; the bucket is the log bucket's reference.
      expect(parameters["storage.location.template"]).toMatch(
        /^s3:\/\/\$\{aws_s3_bucket\.logs_bucket_\w+\.bucket\}\/services\/\$\$\{service\}\/year=\$\$\{year\}\/month=\$\$\{month\}\/day=\$\$\{day\}\/$/,
      );
      expect((table.partition_keys as Block[]).map((k) => k.name)).toEqual([
        "service",
        "year",
        "month",
        "day",
      ]);
      expect((table.storage_descriptor as Block).ser_de_info).toMatchObject({
        serialization_library: "org.openx.data.jsonserde.JsonSerDe",
      });
      const workgroup = byPath(ops, "aws_athena_workgroup", "log-archive/workgroup");
      const configuration = workgroup.configuration as Block;
      expect(configuration.enforce_workgroup_configuration).toBe(true);
      const results = configuration.result_configuration as Block;
      expect(results.encryption_configuration).toEqual({ encryption_option: "SSE_S3" });
      expect(results.output_location).toMatch(
        /^s3:\/\/\$\{aws_s3_bucket\.logs_bucket_\w+\.bucket\}\/athena-results\/$/,
      );
    }
  });

  it("leaves services without the router on awslogs, with no router resources", () => {
    const { stacks: off } = synthPlatform(
      withEnv("dev", (e) => {
        for (const svc of e.services?.services ?? []) svc.logRouter = false;
      }),
      { environments: ["dev"] },
    );
    const json = off["platform-dev-services"];
    for (const service of ROUTED.dev) {
      const defs = containers(json, service);
      expect(defs.map((d) => d.name)).toEqual([service]);
      expect(defs[0].logConfiguration.logDriver).toBe("awslogs");
    }
    expect(resources(json, "aws_s3_bucket")).toEqual([]);
    expect(resources(json, "aws_cloudwatch_log_metric_filter")).toEqual([]);
    expect(bodies(off["platform-dev-ecr"], "aws_ecr_pull_through_cache_rule")).toEqual([]);
    expect(resources(off["platform-dev-ops"], "aws_glue_catalog_table")).toEqual([]);
  });

  it("runs without a NAT gateway: every image, the router's included, comes from the private registry", () => {
    const { stacks: natless } = synthNatlessDev();
    const json = natless["platform-dev-services"];
    for (const service of ROUTED.dev) {
      for (const c of containers(json, service)) {
        expect(c.image).not.toMatch(/public\.ecr\.aws|docker\.io/);
        expect(c.image).toMatch(/(\.dkr\.ecr\.ap-northeast-1\.amazonaws\.com\/|repository_url\})/);
      }
    }
    // No route to the internet: the tasks reach ECR, CloudWatch Logs and S3 privately.
    const egress = bodies(json, "aws_vpc_security_group_egress_rule").map((r) => r.cidr_ipv4);
    expect(egress.length).toBeGreaterThan(0);
    expect(egress).not.toContain("0.0.0.0/0");
  });

  it("uses a declared mirror instead of the cache, with pull permissions on that repository only", () => {
    const image =
      "111111111111.dkr.ecr.ap-northeast-1.amazonaws.com/mirror/fluent-bit:init-2.34.3.20260623";
    const { stacks: mirrored } = synthPlatform(
      withEnv("dev", (e) => {
        if (e.services !== undefined) e.services.logRouter = { image };
      }),
      { environments: ["dev"] },
    );
    const json = mirrored["platform-dev-services"];
    expect(containers(json, "web")[1].image).toBe(image);
    const pull = statements(json, "web/roles/execution-document").find(
      (s) => s.sid === "LogRouterPull",
    );
    expect(pull?.resources).toEqual([
      "arn:aws:ecr:ap-northeast-1:111111111111:repository/mirror/fluent-bit",
    ]);
    expect(pull?.actions).not.toContain("ecr:CreateRepository");
    expect(bodies(mirrored["platform-dev-ecr"], "aws_ecr_pull_through_cache_rule")).toEqual([]);
  });
});

type ServicesInput = NonNullable<EnvironmentInput["services"]>;
const failure = (env: "dev" | "prod", edit: (s: ServicesInput) => void): string =>
  rejection(
    withEnv(env, (e) => {
      if (e.services === undefined) throw new Error("shipped environment without services");
      edit(e.services);
    }),
  );
/** An edit that merges `settings` into the environment's log router. */
const routerWith =
  (settings: NonNullable<ServicesInput["logRouter"]>) =>
  (s: ServicesInput): void => {
    s.logRouter = { ...s.logRouter, ...settings };
  };

describe("log router validation rules", () => {
  it.each<[string, "dev" | "prod", (s: ServicesInput) => void, RegExp]>([
    [
      "an image tag that is not a tag",
      "dev",
      routerWith({ imageTag: "init 2.32" }),
      /services\.logRouter\.imageTag: "init 2\.32" is not an image tag/,
    ],
    [
      "an image that is not the init variant",
      "dev",
      routerWith({ imageTag: "2.32.2.20240425" }),
      /services\.logRouter\.imageTag: "2\.32\.2\.20240425" is not an init image tag \(init-<version>\)/,
    ],
    [
      "a moving router tag in production",
      "prod",
      routerWith({ imageTag: "init-latest" }),
      /environments\.prod\.services\.logRouter\.imageTag: "init-latest" is a moving tag; production pins a version/,
    ],
    [
      "a router image that is not a reference",
      "dev",
      routerWith({ image: "Mirror/Fluent Bit" }),
      /services\.logRouter\.image: "Mirror\/Fluent Bit" is not an image reference/,
    ],
    [
      "an untagged router image in production",
      "prod",
      routerWith({ image: "public.ecr.aws/aws-observability/aws-for-fluent-bit" }),
      /services\.logRouter\.image: .* has no tag \(it means "latest"\); production pins a version tag or a digest/,
    ],
    [
      "a pull-through prefix ECR refuses",
      "dev",
      routerWith({ pullThroughCachePrefix: "ECR_Public" }),
      /services\.logRouter\.pullThroughCachePrefix: "ECR_Public" is not an ECR repository prefix/,
    ],
    [
      "an error pattern with a space",
      "dev",
      routerWith({ errorPattern: "level: error" }),
      /services\.logRouter\.errorPattern: "level: error" must be a non-empty regular expression without spaces/,
    ],
    [
      "an error pattern that does not compile",
      "dev",
      routerWith({ errorPattern: "ERROR(" }),
      /services\.logRouter\.errorPattern: "ERROR\(" is not a regular expression/,
    ],
    [
      "a malformed key prefix",
      "dev",
      routerWith({ keyPrefix: "/logs/" }),
      /services\.logRouter\.keyPrefix: "\/logs\/" is not a key prefix/,
    ],
    [
      "a key prefix where the ALB writes",
      "dev",
      routerWith({ keyPrefix: "alb/apps" }),
      /services\.logRouter\.keyPrefix: "alb\/apps" overlaps "alb", where another producer writes/,
    ],
    [
      "objects larger than one PutObject",
      "dev",
      routerWith({ totalFileSizeMB: 1024 }),
      /services\.logRouter\.totalFileSizeMB: 1024 is outside 1\.\.1000: .* caps at 1000000000 bytes/,
    ],
    [
      "an error pattern starting with a double quote",
      "dev",
      routerWith({ errorPattern: '"level":50' }),
      /services\.logRouter\.errorPattern: .* starts with a double quote/,
    ],
    [
      "an error alarm that needs more breaching minutes than it evaluates",
      "dev",
      routerWith({ errorAlarm: { periods: 3, datapointsToAlarm: 4 } }),
      /services\.logRouter\.errorAlarm\.datapointsToAlarm: 4 is more than errorAlarm\.periods \(3\)/,
    ],
    [
      "an upload timeout over an hour",
      "dev",
      routerWith({ uploadTimeoutMinutes: 120 }),
      /services\.logRouter\.uploadTimeoutMinutes: 120 is outside 1\.\.60 minutes/,
    ],
    [
      "a service named like the router container",
      "dev",
      (s) => {
        const worker = s.services.find((svc) => svc.name === "worker");
        if (worker !== undefined) worker.name = "log-router";
      },
      /services\.services\[2\]\.logRouter: true, but the service is named "log-router"/,
    ],
    [
      "a router reserving more than half the task's memory",
      "dev",
      routerWith({ memoryReservationMiB: 300 }),
      /services\.services\[0\]\.logRouter: true, but the router's memoryReservationMiB \(300\) is more than half of the task's memory \(512 MiB\)/,
    ],
    [
      "a router reserving more than half the task's CPU",
      "dev",
      routerWith({ cpu: 200 }),
      /services\.services\[0\]\.logRouter: true, but the router's cpu \(200\) is more than half of the task's cpu \(256\)/,
    ],
  ])("refuses %s", (_what, env, edit, message) => {
    expect(failure(env, edit)).toMatch(message);
  });

  it("refuses two environments in one account and region that both create the pull-through cache", () => {
    const input = shippedInput();
    input.environments.prod.account = input.environments.dev.account;
    input.environments.prod.accountSingletons = {
      githubOidcProvider: "reference",
      guardDutyDetector: "reference",
      configRecorder: "reference",
      configServiceLinkedRole: "reference",
      cloudTrail: "reference",
    };
    expect(rejection(input)).toMatch(
      /environments\.prod\.accountSingletons\.ecrPullThroughCache: "create", but environments\.dev already manages the ECR pull-through cache rule of public\.ecr\.aws/,
    );
  });

  it("refuses two environments of one registry that name different pull-through prefixes", () => {
    const input = shippedInput();
    input.environments.prod.account = input.environments.dev.account;
    input.environments.prod.accountSingletons = {
      githubOidcProvider: "reference",
      guardDutyDetector: "reference",
      configRecorder: "reference",
      configServiceLinkedRole: "reference",
      cloudTrail: "reference",
      ecrPullThroughCache: "reference",
    };
    const prod = input.environments.prod.services;
    if (prod === undefined) throw new Error("prod has services");
    prod.logRouter = { ...prod.logRouter, pullThroughCachePrefix: "public-cache" };
    expect(rejection(input)).toMatch(
      /environments\.prod\.services\.logRouter\.pullThroughCachePrefix: "public-cache" differs from environments\.dev's "ecr-public", but both pull through the one cache rule of account 111111111111 in ap-northeast-1/,
    );
  });

  it("refuses a service with the router when no log bucket is given to it", () => {
    const web = loadConfig().environments.dev.services?.services.find((x) => x.name === "web");
    if (web === undefined) throw new Error("dev has a web service");
    expect(() =>
      synthPlatform(undefined, {
        environments: ["dev"],
        extend: (_app, built) => {
          const stack = built.dev.services;
          if (stack === undefined) throw new Error("dev has services");
          new FargateService(stack, "orphan", {
            names: stack.names,
            service: "orphan",
            account: "111111111111",
            region: "ap-northeast-1",
            vpcId: "vpc-1",
            subnetIds: ["subnet-1"],
            endpointSecurityGroupId: "sg-1",
            s3PrefixListId: "pl-1",
            cluster: stack.cluster,
            settings: { ...web, name: "orphan" },
            repository: {
              url: "repo",
              arn: "arn:aws:ecr:ap-northeast-1:111111111111:repository/x",
            },
            configPath: "environments.dev.services.services[9]",
          });
        },
      }),
    ).toThrow(
      "environments.dev.services.services[9].logRouter: true, but no log bucket and configuration bucket were given for the router to write to",
    );
  });
});
