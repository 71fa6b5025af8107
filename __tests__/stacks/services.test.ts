import { fixtureInput } from "../fixtures/config";
import { describe, expect, it } from "vitest";
import { explainRequest, listenerRulesFromStack } from "../../lib/route-explainer";
import { fixtureWith } from "../helpers/config";
import { synthPlatform } from "../helpers/synth";
import { synthFixture } from "../fixtures/synth";
import { bodies, byPath, only, refTo, resources, type Block, type TfJson } from "../helpers/tf";

const { stacks } = synthFixture();
const dev = stacks["fixture-sandbox-services"];
const prod = stacks["fixture-live-services"];
const prodEcr = stacks["fixture-live-ecr"];

interface Container {
  name: string;
  image: string;
  healthCheck?: { command: string[]; interval: number; timeout: number; retries: number };
  essential: boolean;
  portMappings: { containerPort: unknown; protocol: string }[];
  environment: { name: string; value: string }[];
  secrets: { name: string; valueFrom: string }[];
  user: string;
  readonlyRootFilesystem: boolean;
  mountPoints: { sourceVolume: string; containerPath: string }[];
  logConfiguration: { logDriver: string; options?: Record<string, string> };
  dependsOn?: { containerName: string; condition: string }[];
}
const containerOf = (json: TfJson, service: string): Container => {
  const task = byPath(json, "aws_ecs_task_definition", `${service}/task`);
  const defs = JSON.parse(String(task.container_definitions)) as Container[];
  // The application, then its log router when it has one.
  expect(defs.map((d) => d.name)).toEqual(defs.length === 1 ? [service] : [service, "log-router"]);
  return defs[0];
};
const policyDoc = (json: TfJson, suffix: string): Block[] => {
  const entry = Object.entries(json.data?.aws_iam_policy_document ?? {}).find(([, b]) =>
    (b["//"] as { metadata: { path: string } }).metadata.path.endsWith(suffix),
  );
  return (entry?.[1].statement ?? []) as Block[];
};

describe("routing: real requests through the synthesized listener rules", () => {
  const requests: [string, string][] = [
    ["/", "web"],
    ["/about", "web"],
    // The bare prefix reaches the api too (NestJS's GET /api, Swagger's default path).
    ["/api", "api"],
    ["/api/users", "api"],
    ["/socket.io/?EIO=4&transport=websocket", "api"],
    ["/apix", "web"],
  ];
  const route = (routing: ReturnType<typeof listenerRulesFromStack>, path: string) =>
    explainRequest(routing.rules, routing.defaultService, { path }, routing.defaultAction);

  it.each(Object.keys(fixtureInput().environments))("%s: production listener", (env) => {
    const routing = listenerRulesFromStack(stacks[`fixture-${env}-services`]);
    for (const [path, service] of requests) {
      const result = route(routing, path);
      expect(result.service, path).toBe(service);
      expect(result.warning, path).toBeUndefined();
    }
  });

  it("prod: the blue/green test listener carries every production route, so green is tested end to end", () => {
    const test = listenerRulesFromStack(prod, 8080);
    const production = listenerRulesFromStack(prod);
    for (const [path, service] of requests) expect(route(test, path).service, path).toBe(service);
    const shape = (r: { priority: number; paths: readonly string[]; service?: string }) =>
      `${r.priority} ${r.paths.join(",")} ${r.service ?? ""}`;
    expect(test.rules.map(shape)).toEqual(production.rules.map(shape));
  });

  it("redirects plain HTTP to HTTPS with a 301 where there is a certificate", () => {
    const http = listenerRulesFromStack(prod, "http");
    expect(http.defaultAction).toMatch(/redirect/i);
    const listener = bodies(prod, "aws_lb_listener").find((l) => l.port === 80);
    expect(listener?.default_action).toEqual([
      { type: "redirect", redirect: { protocol: "HTTPS", port: "443", status_code: "HTTP_301" } },
    ]);
  });
});

describe("ALB", () => {
  it("is internet-facing in the public subnets, drops invalid headers, mitigates desync, keeps WebSockets open", () => {
    for (const json of [dev, prod]) {
      const alb = only(json, "aws_lb");
      expect(alb).toMatchObject({
        load_balancer_type: "application",
        internal: false,
        drop_invalid_header_fields: true,
        desync_mitigation_mode: "defensive",
        idle_timeout: 300,
        access_logs: { enabled: true, prefix: "alb" },
      });
      for (const subnet of alb.subnets as string[])
        expect(subnet).toMatch(/outputs\.cross-stack-output-aws_subnetnetwork_public-/);
    }
    expect(only(prod, "aws_lb").enable_deletion_protection).toBe(true);
    expect(only(dev, "aws_lb").enable_deletion_protection).toBe(false);
  });

  it("prod: HTTPS with a DNS-validated certificate, the TLS 1.3 policy and an alias record", () => {
    const https = bodies(prod, "aws_lb_listener").find((l) => l.port === 443);
    const validation = only(prod, "aws_acm_certificate_validation");
    expect(https).toMatchObject({
      protocol: "HTTPS",
      ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
      certificate_arn: refTo(prod, "aws_acm_certificate_validation", validation, "certificate_arn"),
    });
    expect(only(prod, "aws_acm_certificate")).toMatchObject({
      domain_name: "origin.app.example.com",
      validation_method: "DNS",
    });
    const records = bodies(prod, "aws_route53_record");
    expect(records.find((r) => r.type === "A")).toMatchObject({
      name: "origin.app.example.com",
      zone_id: "Z0123456789ABCDEFGHIJ",
      alias: {
        name: refTo(prod, "aws_lb", only(prod, "aws_lb"), "dns_name"),
        evaluate_target_health: true,
      },
    });
  });

  it("dev: plain HTTP only, as an explicit exception with its reason on the listener", () => {
    const listeners = bodies(dev, "aws_lb_listener");
    expect(listeners).toHaveLength(1);
    expect(listeners[0]).toMatchObject({ port: 80, protocol: "HTTP" });
    expect((listeners[0].tags as Record<string, string>).HttpOnlyReason).toMatch(/no domain/);
    expect(bodies(dev, "aws_acm_certificate")).toEqual([]);
  });

  it("writes access logs under alb/ to the environment's log bucket (ops stack)", () => {
    const logs = only(prod, "aws_lb").access_logs as Block;
    expect(logs).toMatchObject({ enabled: true, prefix: "alb" });
    expect(String(logs.bucket)).toMatch(
      /terraform_remote_state\.cross-stack-reference-input-fixture-live-ops\.outputs\./,
    );
    // The services stack's only bucket holds the log routers' configurations.
    expect(resources(prod, "aws_s3_bucket").map(([name]) => name)).toEqual([
      expect.stringMatching(/^log-router-config_bucket_/),
    ]);
  });

  it("target groups: ip targets, per-service health checks, stickiness for Socket.IO, names within 32 characters", () => {
    const tgs = [...bodies(dev, "aws_lb_target_group"), ...bodies(prod, "aws_lb_target_group")];
    const names = tgs.map((t) => String(t.name));
    expect(new Set(names).size).toBe(names.length);
    for (const tg of tgs) {
      expect(tg.target_type).toBe("ip");
      expect(String(tg.name).length).toBeLessThanOrEqual(32);
    }
    const api = byPath(prod, "aws_lb_target_group", "api-targets/primary");
    expect(api).toMatchObject({
      port: 3001,
      health_check: {
        path: "/api/health",
        matcher: "200-399",
        interval: 15,
        healthy_threshold: 2,
        unhealthy_threshold: 3,
      },
      stickiness: { type: "lb_cookie", enabled: true },
      deregistration_delay: "30",
    });
    expect(byPath(prod, "aws_lb_target_group", "web-targets/primary")).toMatchObject({
      health_check: { path: "/" },
      stickiness: { enabled: false },
    });
  });
});

describe("ECS cluster", () => {
  it("has Container Insights, recorded ECS Exec sessions and Fargate + Fargate Spot", () => {
    expect(only(prod, "aws_ecs_cluster")).toMatchObject({
      setting: [{ name: "containerInsights", value: "enhanced" }],
      configuration: { execute_command_configuration: { logging: "OVERRIDE" } },
    });
    expect(only(dev, "aws_ecs_cluster_capacity_providers")).toMatchObject({
      capacity_providers: ["FARGATE", "FARGATE_SPOT"],
      default_capacity_provider_strategy: [
        { capacity_provider: "FARGATE", base: 0, weight: 1 },
        { capacity_provider: "FARGATE_SPOT", weight: 1 },
      ],
    });
  });
});

describe("Fargate services", () => {
  it("each has an ECR repository in the ECR stack (applied first) that scans on push and keeps tags immutable", () => {
    expect(bodies(prod, "aws_ecr_repository")).toEqual([]);
    expect(
      bodies(prodEcr, "aws_ecr_repository")
        .map((r) => r.name)
        .sort(),
    ).toEqual(["fixture-live/api", "fixture-live/web"]);
    expect(bodies(stacks["fixture-sandbox-ecr"], "aws_ecr_repository")).toHaveLength(3);
    for (const repo of bodies(prodEcr, "aws_ecr_repository")) {
      expect(repo).toMatchObject({
        image_tag_mutability: "IMMUTABLE",
        image_scanning_configuration: { scan_on_push: true },
        force_delete: false,
      });
    }
    // The services read the repositories across stacks: Terraform applies the ECR stack first.
    expect(containerOf(prod, "api").image).toMatch(
      /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-fixture-live-ecr\.outputs\..*repository_url\}:1\.0\.0$/,
    );
  });

  it("the lifecycle expires untagged and scratch images only: a released tag under a running task is never expired", () => {
    const policy = JSON.parse(String(bodies(prodEcr, "aws_ecr_lifecycle_policy")[0].policy)) as {
      rules: { selection: Block; action: Block }[];
    };
    expect(policy.rules.map((r) => r.selection)).toEqual([
      { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 14 },
      ...["dev-", "pr-", "sha-"].map((prefix) => ({
        tagStatus: "tagged",
        tagPrefixList: [prefix],
        countType: "imageCountMoreThan",
        countNumber: 20,
      })),
    ]);
    // No rule selects every tag ("any", or "tagged" without a prefix list): released tags stay.
    for (const rule of policy.rules) {
      expect(rule.selection.tagStatus).not.toBe("any");
      if (rule.selection.tagStatus === "tagged")
        expect(rule.selection.tagPrefixList).toHaveLength(1);
    }
    for (const json of [dev, prod]) {
      for (const task of bodies(json, "aws_ecs_task_definition")) {
        const image = (JSON.parse(String(task.container_definitions)) as Container[])[0].image;
        const tag = image.split(":").pop() ?? "";
        expect(["dev-", "pr-", "sha-"].some((p) => tag.startsWith(p))).toBe(false);
      }
    }
  });

  it("container definitions have the ECS API shape: numeric ports, an essential container, awslogs", () => {
    for (const json of [dev, prod]) {
      for (const service of ["web", "api"]) {
        const c = containerOf(json, service);
        expect(c.essential).toBe(true);
        expect(typeof c.portMappings[0].containerPort).toBe("number");
        expect(c.portMappings[0].protocol).toBe("tcp");
        // Through the FireLens log router, which must have started first.
        expect(c.logConfiguration).toEqual({ logDriver: "awsfirelens" });
        expect(c.dependsOn).toEqual([{ containerName: "log-router", condition: "START" }]);
        expect(c.user).not.toMatch(/^(root|0)(:|$)/);
        expect(c.readonlyRootFilesystem).toBe(true);
        expect(c.mountPoints.slice(0, 1)).toEqual([
          { sourceVolume: "tmp", containerPath: "/tmp", readOnly: false },
        ]);
        expect(c.image).toMatch(/repository_url\}:\d+\.\d+\.\d+$/);
        expect(c.healthCheck).toBeDefined();
        for (const variable of c.environment)
          expect(variable.name).not.toMatch(/PASSWORD|SECRET|TOKEN/);
      }
    }
  });

  it("connects to the database as the service's own user with IAM authentication, never with the master secret", () => {
    for (const json of [dev, prod]) {
      const c = containerOf(json, "api");
      const env = Object.fromEntries(c.environment.map((e) => [e.name, e.value]));
      expect(env.DATABASE_HOST).toMatch(
        /terraform_remote_state\..*\.outputs\..*(endpoint|address)\}$/,
      );
      expect(env).toMatchObject({
        DATABASE_PORT: "5432",
        DATABASE_NAME: "app",
        DATABASE_USER: "api",
        DATABASE_AUTH: "iam",
        DATABASE_SSL: "require",
      });
      // The only secret is the cache user's password (cache.allowFrom), never the master secret.
      expect(c.secrets.map((x) => x.name)).toEqual(["REDIS_PASSWORD"]);
      const connect = policyDoc(json, "api/roles/task-document").find(
        (st) => st.sid === "DatabaseConnect",
      );
      expect(connect?.actions).toEqual(["rds-db:connect"]);
      expect(connect?.resources).toEqual([
        expect.stringMatching(
          /^arn:aws:rds-db:ap-northeast-1:\d{12}:dbuser:\$\{data\.terraform_remote_state\..*\.outputs\..*resource_id\}\/api$/,
        ),
      ]);
    }
    expect(containerOf(prod, "web").secrets).toEqual([]);
  });

  it("no task definition or service role of any stack references the RDS master secret", () => {
    for (const [id, json] of Object.entries(stacks)) {
      for (const task of bodies(json, "aws_ecs_task_definition"))
        expect(String(task.container_definitions), id).not.toMatch(/master_user_secret/);
      for (const doc of Object.values(json.data?.aws_iam_policy_document ?? {})) {
        const path = (doc["//"] as { metadata: { path: string } }).metadata.path;
        if (path.includes("/roles/"))
          expect(JSON.stringify(doc), path).not.toMatch(/master_user_secret/);
      }
    }
  });

  it("probes the health path from inside the container too (seed 001: every 30 s, 3 failures)", () => {
    const check = containerOf(prod, "api").healthCheck;
    expect(check).toMatchObject({ interval: 30, timeout: 5, retries: 3 });
    expect(check?.command.slice(0, 3)).toEqual(["CMD", "node", "-e"]);
    expect(check?.command[3]).toContain('"http://127.0.0.1:3001/api/health"');
    expect(containerOf(dev, "worker").healthCheck).toBeUndefined();
  });

  it("the execution role may pull its image and write its logs, nothing else", () => {
    const statements = policyDoc(prod, "api/roles/execution-document");
    // ... and, for the api, read the cache password (cache.allowFrom) through Secrets Manager.
    expect(statements.map((s) => s.sid)).toEqual([
      "Logs",
      "EcrAuth",
      "EcrPull",
      "LogRouterPull",
      "Secrets",
      "DecryptSecrets",
    ]);
    expect(statements.find((s) => s.sid === "EcrPull")?.resources).toEqual([
      expect.stringMatching(
        /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-fixture-live-ecr\.outputs\..*api_ecr_repository.*arn\}$/,
      ),
    ]);
    expect(policyDoc(prod, "web/roles/execution-document").map((s) => s.sid)).toEqual([
      "Logs",
      "EcrAuth",
      "EcrPull",
      "LogRouterPull",
    ]);
  });

  it("gives ECS Exec's agent writable directories despite the read-only root filesystem", () => {
    const mounts = containerOf(dev, "api").mountPoints.map((m) => m.containerPath);
    expect(mounts).toEqual([
      "/tmp",
      "/var/lib/amazon/ssm",
      "/var/log/amazon/ssm",
      "/managed-agents",
    ]);
    const volumes = (byPath(dev, "aws_ecs_task_definition", "api/task").volume as Block[]).map(
      (v) => v.name,
    );
    expect(volumes).toEqual(["tmp", "ssm-lib", "ssm-log", "managed-agents"]);
    expect(containerOf(dev, "web").mountPoints.map((m) => m.containerPath)).toEqual(["/tmp"]);
  });

  it("waits for the cluster's capacity providers before creating a service", () => {
    const providers = Object.keys(dev.resource?.aws_ecs_cluster_capacity_providers ?? {})[0];
    for (const service of bodies(dev, "aws_ecs_service")) {
      expect(service.depends_on).toContain(`aws_ecs_cluster_capacity_providers.${providers}`);
    }
  });

  it("the task role grants nothing unless declared; ECS Exec permissions only where exec is on", () => {
    const router = ["LogRouterConfig", "LogRouterConfigBucket", "LogArchive", "ErrorLogs"];
    expect(policyDoc(prod, "api/roles/task-document").map((s) => s.sid)).toEqual([
      "DatabaseConnect",
      ...router,
    ]);
    // web declares nothing: its task role holds only what its log router does.
    expect(policyDoc(dev, "web/roles/task-document").map((s) => s.sid)).toEqual(router);
    expect(policyDoc(dev, "api/roles/task-document").map((s) => s.sid)).toEqual([
      "DatabaseConnect",
      ...router,
      "EcsExecChannel",
      "EcsExecLogs",
      "EcsExecLogGroups",
    ]);
    expect(byPath(dev, "aws_ecs_service", "api/service").enable_execute_command).toBe(true);
    expect(byPath(dev, "aws_ecs_service", "web/service").enable_execute_command).toBe(false);
  });

  it("runs in private subnets without public IPs, rolls back failed deployments, and leaves the count to autoscaling", () => {
    for (const service of bodies(prod, "aws_ecs_service")) {
      expect(service).toMatchObject({
        network_configuration: { assign_public_ip: false },
        deployment_circuit_breaker: { enable: true, rollback: true },
        deployment_minimum_healthy_percent: 100,
        deployment_maximum_percent: 200,
        health_check_grace_period_seconds: 60,
        lifecycle: { ignore_changes: ["desired_count"] },
      });
      for (const subnet of (service.network_configuration as { subnets: string[] }).subnets) {
        expect(subnet).toMatch(/cross-stack-output-aws_subnetnetwork_private-/);
      }
    }
  });

  it("scales on CPU and memory at 70 % (60 s out, 300 s in), and on requests where configured", () => {
    const policies = bodies(prod, "aws_appautoscaling_policy").map(
      (p) => p.target_tracking_scaling_policy_configuration as Block,
    );
    const metric = (p: Block) =>
      (p.predefined_metric_specification as Block).predefined_metric_type;
    expect(policies.map(metric).sort()).toEqual([
      "ALBRequestCountPerTarget",
      "ECSServiceAverageCPUUtilization",
      "ECSServiceAverageCPUUtilization",
      "ECSServiceAverageMemoryUtilization",
      "ECSServiceAverageMemoryUtilization",
    ]);
    for (const p of policies.filter((x) => metric(x) !== "ALBRequestCountPerTarget")) {
      expect(p).toMatchObject({ target_value: 70, scale_out_cooldown: 60, scale_in_cooldown: 300 });
    }
    const requests = policies.find((p) => metric(p) === "ALBRequestCountPerTarget");
    expect((requests?.predefined_metric_specification as Block).resource_label).toMatch(
      /\.arn_suffix\}\/\$\{aws_lb_target_group\..*\.arn_suffix\}$/,
    );
    expect(
      bodies(prod, "aws_appautoscaling_target").map((t) => [t.min_capacity, t.max_capacity]),
    ).toEqual([
      [2, 10],
      [2, 10],
    ]);
  });
});

describe("blue/green (prod web)", () => {
  const web = byPath(prod, "aws_ecs_service", "web/service");
  const rule = byPath(prod, "aws_lb_listener_rule", "alb/rule-web-catch-all");
  const testRule = byPath(prod, "aws_lb_listener_rule", "alb/test-web-catch-all");

  it("uses ECS-native blue/green with an alternate target group, production and test rules and a bake time", () => {
    expect(web.deployment_configuration).toEqual({
      strategy: "BLUE_GREEN",
      bake_time_in_minutes: "10",
    });
    const lb = (web.load_balancer as Block[])[0];
    expect(lb.target_group_arn).toBe(
      refTo(
        prod,
        "aws_lb_target_group",
        byPath(prod, "aws_lb_target_group", "web-targets/primary"),
        "arn",
      ),
    );
    expect(lb.advanced_configuration).toEqual({
      alternate_target_group_arn: refTo(
        prod,
        "aws_lb_target_group",
        byPath(prod, "aws_lb_target_group", "web-targets/alternate"),
        "arn",
      ),
      production_listener_rule: refTo(prod, "aws_lb_listener_rule", rule, "arn"),
      test_listener_rule: refTo(prod, "aws_lb_listener_rule", testRule, "arn"),
      role_arn: refTo(
        prod,
        "aws_iam_role",
        byPath(prod, "aws_iam_role", "blue-green-role/role"),
        "arn",
      ),
    });
    expect(
      byPath(prod, "aws_iam_role_policy_attachment", "blue-green-role/policy").policy_arn,
    ).toBe("arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers");
  });

  it("ignores the weights ECS rewrites, so a deployment never shows up as drift", () => {
    for (const r of [rule, testRule]) {
      expect(r.lifecycle).toMatchObject({ ignore_changes: ["action"] });
      expect((r.action as Block[])[0]).toMatchObject({
        type: "forward",
        forward: { target_group: [{ weight: 100 }, { weight: 0 }] },
      });
    }
    expect(byPath(prod, "aws_lb_listener_rule", "alb/rule-api-e0a0aaab")).not.toHaveProperty(
      "lifecycle",
    );
  });

  it("shifts the catch-all itself: web's only production rule is the /* rule ECS rewrites", () => {
    const webRules = bodies(prod, "aws_lb_listener_rule").filter(
      (r) =>
        (r.tags as Record<string, string>).Service === "web" &&
        String(r.listener_arn).includes("alb_https"),
    );
    expect(webRules).toEqual([rule]);
    expect(rule.condition).toEqual([{ path_pattern: { values: ["/*"] } }]);
  });

  it("watches 5xx responses and unhealthy targets of blue and green, and rolls back when either fires", () => {
    const alarms = (web.alarms ?? {}) as Block;
    expect(alarms).toMatchObject({ enable: true, rollback: true });
    const names = alarms.alarm_names as string[];
    expect(names).toHaveLength(2);
    for (const id of ["5xx", "unhealthy"]) {
      const alarm = byPath(prod, "aws_cloudwatch_metric_alarm", `web/deployment-alarms/${id}`);
      expect(names).toContain(refTo(prod, "aws_cloudwatch_metric_alarm", alarm, "alarm_name"));
      const groups = (alarm.metric_query as Block[])
        .map((q) => (q.metric as Block | undefined)?.dimensions as Record<string, string>)
        .filter((d) => d !== undefined)
        .map((d) => d.TargetGroup);
      expect(groups).toEqual([
        refTo(
          prod,
          "aws_lb_target_group",
          byPath(prod, "aws_lb_target_group", "web-targets/primary"),
          "arn_suffix",
        ),
        refTo(
          prod,
          "aws_lb_target_group",
          byPath(prod, "aws_lb_target_group", "web-targets/alternate"),
          "arn_suffix",
        ),
      ]);
      expect(alarm.alarm_actions).toEqual([
        expect.stringMatching(/fixture-live-ops.*topics_warning/),
      ]);
    }
    // Rolling services get the same failure signal besides the circuit breaker.
    expect(byPath(prod, "aws_ecs_service", "api/service").alarms).toMatchObject({
      enable: true,
      rollback: true,
    });
  });

  it("keeps a blue/green rule's construct id when its patterns change, so the rule is updated, never replaced", () => {
    const ruleIds = (apiPath: string) => {
      const { stacks: variant } = synthPlatform(
        fixtureWith("live", (e) => {
          const services = e.services;
          if (services === undefined) return;
          for (const svc of services.services) {
            if (svc.name !== "api") continue;
            svc.blueGreen = { enabled: true };
            svc.scaling = { minTasks: 2, maxTasks: 10 };
          }
          services.routes = [
            { service: "api", paths: [apiPath] },
            { service: "web", paths: ["/*"] },
          ];
        }),
        { environments: ["live"] },
      );
      return bodies(variant["fixture-live-services"], "aws_lb_listener_rule")
        .filter((r) => (r.tags as Record<string, string>).Service === "api")
        .map((r) => (r["//"] as { metadata: { path: string } }).metadata.path)
        .sort();
    };
    const ids = [
      "fixture-live-services/alb/rule-api-blue-green",
      "fixture-live-services/alb/test-api-blue-green",
    ];
    expect(ruleIds("/api/*")).toEqual(ids);
    expect(ruleIds("/v1/*")).toEqual(ids);
  });

  it("serves test traffic on 8080, reachable from the testers' network only", () => {
    const listener = bodies(prod, "aws_lb_listener").find((l) => l.port === 8080);
    expect(listener).toMatchObject({
      protocol: "HTTPS",
      default_action: [{ type: "fixed-response" }],
    });
    const albSg = refTo(
      prod,
      "aws_security_group",
      byPath(prod, "aws_security_group", "alb/security-group"),
      "id",
    );
    const testIngress = bodies(prod, "aws_vpc_security_group_ingress_rule").filter(
      (r) => r.from_port === 8080,
    );
    expect(testIngress).toEqual([
      expect.objectContaining({ security_group_id: albSg, cidr_ipv4: "203.0.113.0/24" }),
    ]);
  });
});

/** Rules as `<sg> <direction> <port> <peer>`, our groups named by their Name tag. */
function reachability(json: TfJson): string[] {
  const named = new Map(
    resources(json, "aws_security_group").map(([n, b]) => [
      `\${aws_security_group.${n}.id}`,
      (b.tags as Record<string, string>).Name.replace(/^[a-z0-9]+-[a-z0-9]+-/, ""),
    ]),
  );
  const peer = (r: Block): string => {
    const ref = r.referenced_security_group_id as string | undefined;
    if (ref !== undefined)
      return (
        named.get(ref) ??
        (/cross-stack-output-aws_security_groupdatabase/.test(ref)
          ? "db"
          : /cross-stack-output-aws_security_groupcache/.test(ref)
            ? "cache"
            : "endpoints")
      );
    return (r.cidr_ipv4 as string | undefined) ?? "s3-prefix-list";
  };
  const owner = (r: Block): string =>
    named.get(String(r.security_group_id)) ??
    (/cross-stack-output-aws_security_groupcache/.test(String(r.security_group_id))
      ? "cache"
      : "db");
  return [
    ...bodies(json, "aws_vpc_security_group_ingress_rule").map(
      (r) => `${owner(r)} in ${String(r.from_port)} ${peer(r)}`,
    ),
    ...bodies(json, "aws_vpc_security_group_egress_rule").map(
      (r) => `${owner(r)} out ${String(r.from_port)} ${peer(r)}`,
    ),
  ].sort();
}

describe("security group reachability: internet -> ALB -> service -> database, nothing else", () => {
  it("live (production)", () => {
    expect(reachability(prod)).toEqual(
      [
        "alb in 80 0.0.0.0/0",
        "alb in 443 0.0.0.0/0",
        "alb in 8080 203.0.113.0/24",
        "alb out 3000 svc-web",
        "alb out 3001 svc-api",
        "svc-web in 3000 alb",
        "svc-web out 443 endpoints",
        "svc-web out 443 s3-prefix-list",
        "svc-api in 3001 alb",
        "svc-api out 443 endpoints",
        "svc-api out 443 s3-prefix-list",
        "svc-api out 5432 db",
        "db in 5432 svc-api",
        // api holds the Socket.IO adapter's connection to the cache (cache.allowFrom).
        "svc-api out 6379 cache",
        "cache in 6379 svc-api",
        // web calls api (declared: calls ["api"]), through Service Connect.
        "svc-web out 3001 svc-api",
        "svc-api in 3001 svc-web",
      ].sort(),
    );
  });

  it("dev keeps the ALB to the office range", () => {
    expect(reachability(dev).filter((r) => r.startsWith("alb in"))).toEqual([
      "alb in 80 203.0.113.0/24",
    ]);
  });
});

describe("service-to-service calls (ECS Service Connect)", () => {
  const devSgs = reachability(dev);

  it("has one Service Connect namespace per environment, the cluster's default", () => {
    for (const [env, json] of [
      ["sandbox", dev],
      ["live", prod],
    ] as const) {
      const ns = only(json, "aws_service_discovery_http_namespace");
      expect(ns.name).toBe(`fixture-${env}-services`);
      expect(only(json, "aws_ecs_cluster").service_connect_defaults).toEqual({
        namespace: refTo(json, "aws_service_discovery_http_namespace", ns, "arn"),
      });
    }
  });

  it("serves the api on Service Connect and makes web and the worker clients of it", () => {
    const ns = refTo(
      dev,
      "aws_service_discovery_http_namespace",
      only(dev, "aws_service_discovery_http_namespace"),
      "arn",
    );
    expect(byPath(dev, "aws_ecs_service", "api/service").service_connect_configuration).toEqual({
      enabled: true,
      namespace: ns,
      service: [
        { port_name: "api", discovery_name: "api", client_alias: { port: 3001, dns_name: "api" } },
      ],
    });
    for (const client of ["web", "worker"]) {
      expect(
        byPath(dev, "aws_ecs_service", `${client}/service`).service_connect_configuration,
      ).toEqual({ enabled: true, namespace: ns });
      const env = containerOf(dev, client).environment;
      expect(env).toContainEqual({ name: "API_URL", value: "http://api:3001" });
    }
  });

  it("opens web -> api and worker -> api on the api's port because they are declared", () => {
    expect(devSgs).toEqual(
      expect.arrayContaining([
        "svc-web out 3001 svc-api",
        "svc-api in 3001 svc-web",
        "svc-worker out 3001 svc-api",
        "svc-api in 3001 svc-worker",
      ]),
    );
    // Nothing reaches the worker, and the api calls no one.
    expect(devSgs.filter((r) => r.startsWith("svc-worker in"))).toEqual([]);
    expect(devSgs.filter((r) => /^svc-api out \d+ svc-/.test(r))).toEqual([]);
  });

  it("opens web -> api only when declared: without calls there is no rule and no client", () => {
    const { stacks: undeclared } = synthPlatform(
      fixtureWith("sandbox", (e) => {
        for (const svc of e.services?.services ?? []) svc.calls = [];
      }),
      { environments: ["sandbox"] },
    );
    const json = undeclared["fixture-sandbox-services"];
    expect(reachability(json).filter((r) => /svc-\w+ (in|out) 3001 svc-/.test(r))).toEqual([]);
    expect(byPath(json, "aws_ecs_service", "web/service")).not.toHaveProperty(
      "service_connect_configuration",
    );
    expect(containerOf(json, "web").environment.map((v) => v.name)).not.toContain("API_URL");
  });
});

describe("internal services (dev worker)", () => {
  it("has no target group, no load balancer block, no ALB ingress and no health check grace", () => {
    const worker = byPath(dev, "aws_ecs_service", "worker/service");
    expect(worker).not.toHaveProperty("load_balancer");
    expect(worker).not.toHaveProperty("health_check_grace_period_seconds");
    expect(worker).not.toHaveProperty("alarms");
    expect(
      bodies(dev, "aws_lb_target_group").filter((t) =>
        (t.tags as Record<string, string>).Service.includes("worker"),
      ),
    ).toEqual([]);
    expect(reachability(dev).filter((r) => r.includes("svc-worker") && r.includes("alb"))).toEqual(
      [],
    );
    expect(containerOf(dev, "worker").portMappings).toEqual([]);
  });
});

describe("deployments that report the truth and update in place", () => {
  it("waits for a steady state with the configured timeout, so a failed or rolled-back deployment fails the apply", () => {
    for (const service of [...bodies(dev, "aws_ecs_service"), ...bodies(prod, "aws_ecs_service")]) {
      expect(service).toMatchObject({
        wait_for_steady_state: true,
        timeouts: { create: "30m", update: "30m" },
      });
    }
    const { stacks: slow } = synthPlatform(
      fixtureWith("live", (e) => {
        const web = e.services?.services.find((s) => s.name === "web");
        if (web !== undefined) web.deploymentTimeoutMinutes = 90;
      }),
      { environments: ["live"] },
    );
    expect(byPath(slow["fixture-live-services"], "aws_ecs_service", "web/service")).toMatchObject({
      timeouts: { create: "90m", update: "90m" },
    });
  });

  it("updates the capacity-provider strategy in place (force_new_deployment) instead of replacing the service", () => {
    for (const service of bodies(dev, "aws_ecs_service")) {
      expect(service.force_new_deployment).toBe(true);
      expect(service.capacity_provider_strategy).toEqual([
        { capacity_provider: "FARGATE", base: 0, weight: 1 },
        { capacity_provider: "FARGATE_SPOT", weight: 1 },
      ]);
    }
  });

  it("gives target groups change-safe names: a port change plans a new name, created before the old one goes", () => {
    const name = (json: TfJson) =>
      String(byPath(json, "aws_lb_target_group", "api-targets/primary").name);
    const before = name(prod);
    expect(before).toMatch(/^fixture-live-api-[0-9a-f]{4}$/);
    for (const tg of bodies(prod, "aws_lb_target_group"))
      expect(tg.lifecycle).toEqual({ create_before_destroy: true });
    const { stacks: moved } = synthPlatform(
      fixtureWith("live", (e) => {
        const api = e.services?.services.find((s) => s.name === "api");
        if (api !== undefined) api.port = 3002;
      }),
      { environments: ["live"] },
    );
    const after = name(moved["fixture-live-services"]);
    expect(after).toMatch(/^fixture-live-api-[0-9a-f]{4}$/);
    expect(after).not.toBe(before);
    expect(after.length).toBeLessThanOrEqual(32);
    // Anything else (health check, stickiness) keeps the name: those update in place.
    const { stacks: tuned } = synthPlatform(
      fixtureWith("live", (e) => {
        const api = e.services?.services.find((s) => s.name === "api");
        if (api !== undefined) api.deregistrationDelaySeconds = 60;
      }),
      { environments: ["live"] },
    );
    expect(name(tuned["fixture-live-services"])).toBe(before);
  });

  it("starts a service whose image is not pushed yet with no tasks, and autoscaling's minimum at 0", () => {
    const { stacks: pending } = synthPlatform(
      fixtureWith("sandbox", (e) => {
        const api = e.services?.services.find((s) => s.name === "api");
        if (api !== undefined) api.imagePending = true;
      }),
      { environments: ["sandbox"] },
    );
    const json = pending["fixture-sandbox-services"];
    expect(byPath(json, "aws_ecs_service", "api/service").desired_count).toBe(0);
    expect(byPath(json, "aws_appautoscaling_target", "api/scaling").min_capacity).toBe(0);
    expect(byPath(dev, "aws_ecs_service", "api/service").desired_count).toBe(1);
    expect(byPath(dev, "aws_appautoscaling_target", "api/scaling").min_capacity).toBe(1);
  });
});
