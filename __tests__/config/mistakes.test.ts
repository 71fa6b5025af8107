import { describe, expect, it } from "vitest";
import { loadConfig, type EnvironmentInput, type PlatformInput } from "../../config";
import { ConfigError } from "../../lib/validation";
import { fixtureInput } from "../fixtures/config";
import { db, dcv, edge, svc } from "../helpers/config";

/*
 * A battery of realistic edits a user makes to a working configuration, one per row. Each must
 * be refused at synth with exactly one problem that names the config path, shows the value
 * given and says what is allowed. A row that loads, throws something other than a ConfigError,
 * or reports more than one problem is a validation gap.
 */
type Env = "sandbox" | "live";
type Edit = (e: EnvironmentInput, all: PlatformInput) => void;

interface Mistake {
  /** What the user did. */
  readonly what: string;
  readonly env: Env;
  readonly edit: Edit;
  /** The config path the one problem is reported at. */
  readonly path: string;
  /** The offending value as the message shows it (JSON), or undefined where the value is absence. */
  readonly value: string | undefined;
  /** What is allowed (or why not), as the message says it. */
  readonly allowed: RegExp;
}

const web = (e: EnvironmentInput) => svc(e).services[0];
const api = (e: EnvironmentInput) => svc(e).services[1];
const cache = () => ({ nodeType: "cache.t4g.micro", allowFrom: ["api"] });
const S = "environments.sandbox";
const L = "environments.live";

const MISTAKES: readonly Mistake[] = [
  // ---- network
  {
    what: "a VPC larger than /16",
    env: "sandbox",
    edit: (e) => (e.network.cidr = "10.110.0.0/15"),
    path: `${S}.network.cidr`,
    value: '"10.110.0.0/15"',
    allowed: /AWS allows \/16 to \/28/,
  },
  {
    what: "a VPC CIDR with host bits set",
    env: "sandbox",
    edit: (e) => (e.network.cidr = "10.110.1.0/16"),
    path: `${S}.network.cidr`,
    value: '"10.110.1.0/16"',
    allowed: /10\.110\.0\.0\/16/,
  },
  {
    what: "a VPC CIDR with a missing octet",
    env: "sandbox",
    edit: (e) => (e.network.cidr = "10.110.0/16"),
    path: `${S}.network.cidr`,
    value: '"10.110.0/16"',
    allowed: /IPv4|a\.b\.c\.d/i,
  },
  {
    what: "an AZ of another region",
    env: "sandbox",
    edit: (e) => (e.network.availabilityZones = ["ap-northeast-1a", "us-east-1a"]),
    path: `${S}.network.availabilityZones[1]`,
    value: '"us-east-1a"',
    allowed: /its AZs are ap-northeast-1a, ap-northeast-1c, ap-northeast-1d/,
  },
  {
    what: "an AZ listed twice",
    env: "sandbox",
    edit: (e) => (e.network.availabilityZones = ["ap-northeast-1a", "ap-northeast-1a"]),
    path: `${S}.network.availabilityZones[1]`,
    value: '"ap-northeast-1a"',
    allowed: /listed twice/,
  },
  {
    what: "azCount raised without listing the new AZ",
    env: "sandbox",
    edit: (e) => (e.network.azCount = 3),
    path: `${S}.network.availabilityZones`,
    value: undefined,
    allowed: /lists 2 AZs but azCount is 3/,
  },
  {
    what: "more AZs than the region has",
    env: "live",
    edit: (e) => {
      e.network.azCount = 4;
      e.network.availabilityZones = undefined;
    },
    path: `${L}.network.azCount`,
    value: "4",
    allowed: /it has 3 \(ap-northeast-1a, ap-northeast-1c, ap-northeast-1d\)/,
  },
  {
    what: "an interface endpoint misspelt",
    env: "live",
    edit: (e) => e.network.interfaceEndpoints?.push("secretmanager"),
    path: `${L}.network.interfaceEndpoints[7]`,
    value: '"secretmanager"',
    allowed: /did you mean "secretsmanager"/,
  },
  {
    what: "an interface endpoint listed twice",
    env: "live",
    edit: (e) => e.network.interfaceEndpoints?.push("logs"),
    path: `${L}.network.interfaceEndpoints[7]`,
    value: '"logs"',
    allowed: /listed twice/,
  },
  {
    what: "a gateway endpoint listed twice",
    env: "live",
    edit: (e) => (e.network.gatewayEndpoints = ["s3", "dynamodb", "s3"]),
    path: `${L}.network.gatewayEndpoints[2]`,
    value: '"s3"',
    allowed: /listed twice/,
  },
  {
    what: "an external network copied without renaming it",
    env: "sandbox",
    edit: (e) =>
      e.network.externalNetworks?.push({
        name: "dcv-agents",
        cidrs: ["10.160.0.0/24"],
        transitGatewayId: "tgw-0123456789abcdef0",
      }),
    path: `${S}.network.externalNetworks[1].name`,
    value: '"dcv-agents"',
    allowed: /unique/,
  },
  {
    what: "an external network overlapping the VPC",
    env: "sandbox",
    edit: (e) =>
      e.network.externalNetworks?.push({
        name: "office",
        cidrs: ["10.110.128.0/24"],
        peeringConnectionId: "pcx-0123456789abcdef0",
      }),
    path: `${S}.network.cidr`,
    value: '"10.110.0.0/16"',
    allowed: /overlaps externalNetworks\[1\] \("office"\) 10\.110\.128\.0\/24/,
  },
  {
    what: "natGateways none without the endpoints Fargate needs",
    env: "sandbox",
    edit: (e) =>
      (e.network.interfaceEndpoints = ["secretsmanager", "ssm", "ssmmessages", "ec2messages"]),
    path: `${S}.network.interfaceEndpoints`,
    value: '["secretsmanager","ssm","ssmmessages","ec2messages"]',
    allowed: /missing: ecr\.api, ecr\.dkr, logs/,
  },
  {
    what: "a flow-log key given as an alias",
    env: "sandbox",
    edit: (e) =>
      (e.network.flowLogs = { kmsKeyArn: "arn:aws:kms:ap-northeast-1:444444444444:alias/logs" }),
    path: `${S}.network.flowLogs.kmsKeyArn`,
    value: '"arn:aws:kms:ap-northeast-1:444444444444:alias/logs"',
    allowed: /CloudWatch Logs takes no alias/,
  },
  {
    what: "a flow-log retention CloudWatch does not offer",
    env: "sandbox",
    edit: (e) => (e.network.flowLogs = { retentionDays: 45 }),
    path: `${S}.network.flowLogs.retentionDays`,
    value: "45",
    allowed: /1, 3, 5, 7, 14, 30/,
  },
  // ---- database
  {
    what: "readers on an RDS (non-Aurora) instance",
    env: "sandbox",
    edit: (e) => Object.assign(db(e), { readers: 2 }),
    path: `${S}.database.readers`,
    value: '"readers"',
    allowed: /applies only with engine "aurora-postgresql"/,
  },
  {
    what: "more Aurora readers than a cluster takes",
    env: "live",
    edit: (e) => Object.assign(db(e), { readers: 16 }),
    path: `${L}.database.readers`,
    value: "16",
    allowed: /15/,
  },
  {
    what: "a micro class for Aurora",
    env: "live",
    edit: (e) => (db(e).instanceClass = "db.t4g.micro"),
    path: `${L}.database.instanceClass`,
    value: '"db.t4g.micro"',
    allowed: /db\.t3\.medium and db\.t4g\.medium/,
  },
  {
    what: "db.serverless on an RDS instance",
    env: "sandbox",
    edit: (e) => (db(e).instanceClass = "db.serverless"),
    path: `${S}.database.instanceClass`,
    value: '"db.serverless"',
    allowed: /Aurora only/,
  },
  {
    what: "an engine RDS PostgreSQL is not",
    env: "sandbox",
    edit: (e) => Object.assign(db(e), { engine: "mysql" }),
    path: `${S}.database.engine`,
    value: '"mysql"',
    allowed: /engine must be one of "aurora-postgresql", "postgres"/,
  },
  {
    what: "a backup window shorter than 30 minutes",
    env: "sandbox",
    edit: (e) => (db(e).backup.window = "16:00-16:15"),
    path: `${S}.database.backup.window`,
    value: '"16:00-16:15"',
    allowed: /at least 30 minutes/,
  },
  {
    what: "a maintenance window written as a sentence",
    env: "sandbox",
    edit: (e) => (db(e).maintenanceWindow = "sunday 17:00-18:00"),
    path: `${S}.database.maintenanceWindow`,
    value: '"sunday 17:00-18:00"',
    allowed: /ddd:hh:mm-ddd:hh:mm/,
  },
  {
    what: "maintenance inside the backup window",
    env: "live",
    edit: (e) => {
      db(e).backup.window = "03:00-04:00";
      db(e).maintenanceWindow = "sat:03:30-sat:04:30";
    },
    path: `${L}.database.maintenanceWindow`,
    value: '"sat:03:30-sat:04:30"',
    allowed: /overlaps the daily backup window "03:00-04:00" \(on sat\)/,
  },
  {
    what: "backup retention beyond what RDS keeps",
    env: "live",
    edit: (e) => (db(e).backup.retentionDays = 36),
    path: `${L}.database.backup.retentionDays`,
    value: "36",
    allowed: /35/,
  },
  {
    what: "a production RDS instance without Multi-AZ",
    env: "live",
    edit: (e, all) => {
      e.database = {
        ...structuredClone(all.environments.sandbox.database),
        engine: "postgres",
        engineVersion: "16",
        instanceClass: "db.m7g.large",
        multiAz: false,
        backup: { retentionDays: 14 },
        deletionProtection: true,
        preventDestroy: true,
      };
    },
    path: `${L}.database.multiAz`,
    value: "false",
    allowed: /Multi-AZ standby/,
  },
  {
    what: "a reserved master user name",
    env: "sandbox",
    edit: (e) => (db(e).masterUsername = "rdsadmin"),
    path: `${S}.database.masterUsername`,
    value: '"rdsadmin"',
    allowed: /a letter, then up to 62/,
  },
  {
    what: "serverless minimum above its maximum",
    env: "live",
    edit: (e) => {
      db(e).instanceClass = "db.serverless";
      Object.assign(db(e), { serverless: { minCapacity: 8, maxCapacity: 4 } });
    },
    path: `${L}.database.serverless.maxCapacity`,
    value: "4",
    allowed: /below minCapacity \(8\)/,
  },
  {
    what: "an Aurora version written as the major only",
    env: "live",
    edit: (e) => (db(e).engineVersion = "16"),
    path: `${L}.database.engineVersion`,
    value: '"16"',
    allowed: /needs a minor version/,
  },
  {
    what: "a pinned RDS minor past its end of standard support",
    env: "sandbox",
    edit: (e) => {
      db(e).engineVersion = "16.8";
      db(e).autoMinorVersionUpgrade = false;
    },
    path: `${S}.database.engineVersion`,
    value: '"16.8"',
    allowed: /available: 16\.9, 16\.10, 16\.11/,
  },
  {
    what: "an Aurora minor that does not exist",
    env: "live",
    edit: (e) => (db(e).engineVersion = "17.10"),
    path: `${L}.database.engineVersion`,
    value: '"17.10"',
    allowed: /available: 17\.4, 17\.5, 17\.6, 17\.7/,
  },
  {
    what: "PostgreSQL 13 without Extended Support",
    env: "sandbox",
    edit: (e) => (db(e).engineVersion = "13"),
    path: `${S}.database.engineVersion`,
    value: '"13"',
    allowed:
      /past the end of RDS standard support \(2026-02-28\).*14, 15, 16, 17, or set extendedSupport: true/,
  },
  // ---- cache
  {
    what: "a cache node type ElastiCache does not offer",
    env: "sandbox",
    edit: (e) => (e.cache = { ...cache(), nodeType: "cache.t4g.mini" }),
    path: `${S}.cache.nodeType`,
    value: '"cache.t4g.mini"',
    allowed: /cache\.t4g comes in micro, small, medium/,
  },
  {
    what: "a Valkey version ElastiCache does not offer",
    env: "sandbox",
    edit: (e) => (e.cache = { ...cache(), engine: "valkey", engineVersion: "8.9" }),
    path: `${S}.cache.engineVersion`,
    value: '"8.9"',
    allowed: /8\.0/,
  },
  {
    what: "a Redis version without RBAC users",
    env: "sandbox",
    edit: (e) => (e.cache = { ...cache(), engine: "redis", engineVersion: "5.0" }),
    path: `${S}.cache.engineVersion`,
    value: '"5.0"',
    allowed: /7/,
  },
  {
    what: "cache access for a service that does not exist",
    env: "sandbox",
    edit: (e) => (e.cache = { ...cache(), allowFrom: ["mailer"] }),
    path: `${S}.cache.allowFrom[0]`,
    value: '"mailer"',
    allowed: /services: web, api/,
  },
  {
    what: "a service listed twice in cache allowFrom",
    env: "sandbox",
    edit: (e) => (e.cache = { ...cache(), allowFrom: ["api", "web", "api"] }),
    path: `${S}.cache.allowFrom[2]`,
    value: '"api"',
    allowed: /listed twice/,
  },
  {
    what: "a cache client setting its own REDIS_HOST (replaced by the cache's)",
    env: "sandbox",
    edit: (e) => {
      e.cache = cache();
      api(e).environment = { REDIS_HOST: "localhost" };
    },
    path: `${S}.services.services[1].environment.REDIS_HOST`,
    value: '"REDIS_HOST"',
    allowed: /set by the cache .* silently replace/,
  },
  {
    what: "cache maintenance inside the snapshot window",
    env: "sandbox",
    edit: (e) =>
      (e.cache = {
        ...cache(),
        snapshotWindow: "17:00-18:00",
        maintenanceWindow: "sun:17:30-sun:18:30",
      }),
    path: `${S}.cache.maintenanceWindow`,
    value: '"sun:17:30-sun:18:30"',
    allowed: /snapshot window "17:00-18:00"/,
  },
  {
    what: "cache maintenance window ending before the snapshot window starts, overlapping it",
    env: "sandbox",
    edit: (e) =>
      (e.cache = {
        ...cache(),
        snapshotWindow: "17:00-18:00",
        maintenanceWindow: "sun:16:30-sun:17:30",
      }),
    path: `${S}.cache.maintenanceWindow`,
    value: '"sun:16:30-sun:17:30"',
    allowed: /snapshot window "17:00-18:00"/,
  },
  {
    what: "a cache eviction policy that does not exist",
    env: "sandbox",
    edit: (e) => (e.cache = { ...cache(), parameters: { "maxmemory-policy": "lru" } }),
    path: `${S}.cache.parameters.maxmemory-policy`,
    value: '"lru"',
    allowed: /allowed: allkeys-lfu, allkeys-lru/,
  },
  {
    what: "a production cache without a replica",
    env: "live",
    edit: (e) => (e.cache = { nodeType: "cache.r7g.large", replicas: 0, allowFrom: ["api"] }),
    path: `${L}.cache.replicas`,
    value: "0",
    allowed: /at least one replica/,
  },
  {
    what: "a cache parameter name written with an underscore",
    env: "sandbox",
    edit: (e) => (e.cache = { ...cache(), parameters: { maxmemory_policy: "allkeys-lru" } }),
    path: `${S}.cache.parameters.maxmemory_policy`,
    value: '"maxmemory_policy"',
    allowed: /such as "maxmemory-policy"/,
  },
  // ---- services
  {
    what: "a service copied without renaming it",
    env: "sandbox",
    edit: (e) => svc(e).services.push(structuredClone(web(e))),
    // The copy lands after every service the fixture has.
    path: `${S}.services.services[${svc(fixtureInput().environments.sandbox).services.length}].name`,
    value: '"web"',
    allowed: /each service needs its own name/,
  },
  {
    what: "a Fargate CPU value that does not exist",
    env: "sandbox",
    edit: (e) => (web(e).cpu = 300),
    path: `${S}.services.services[0].cpu`,
    value: "300",
    allowed: /256, 512, 1024/,
  },
  {
    what: "memory that does not pair with the CPU",
    env: "sandbox",
    edit: (e) => (web(e).memory = 4096),
    path: `${S}.services.services[0].memory`,
    value: "4096",
    allowed: /Fargate allows 512, 1024, 2048/,
  },
  {
    what: "latest pushed to the service's IMMUTABLE repository",
    env: "sandbox",
    edit: (e) => (web(e).imageTag = "latest"),
    path: `${S}.services.services[0].imageTag`,
    value: '"latest"',
    allowed: /IMMUTABLE/,
  },
  {
    what: "an external image with a moving tag in production",
    env: "live",
    edit: (e) => {
      web(e).imageTag = undefined;
      web(e).image = "nginx:latest";
    },
    path: `${L}.services.services[0].image`,
    value: '"nginx:latest"',
    allowed: /production pins a version tag or a digest/,
  },
  {
    what: "an image reference with a space after the colon",
    env: "sandbox",
    edit: (e) => {
      web(e).imageTag = undefined;
      web(e).image = "nginx: 1.27";
    },
    path: `${S}.services.services[0].image`,
    value: '"nginx: 1.27"',
    allowed: /white space/,
  },
  {
    what: "both imageTag and image",
    env: "sandbox",
    edit: (e) => (web(e).image = "nginx:1.27"),
    path: `${S}.services.services[0].imageTag`,
    value: '"0.1.0" is given together with image "nginx:1.27"',
    allowed: /exactly one of imageTag .* or image/,
  },
  {
    what: "a Secrets Manager secret given as an SSM parameter ARN",
    env: "sandbox",
    edit: (e) =>
      (api(e).secrets = {
        TOKEN: {
          ssmParameterArn:
            "arn:aws:secretsmanager:ap-northeast-1:444444444444:secret:app/token-AbCdEf",
        },
      }),
    path: `${S}.services.services[1].secrets.TOKEN.ssmParameterArn`,
    value: '"arn:aws:secretsmanager:ap-northeast-1:444444444444:secret:app/token-AbCdEf"',
    allowed: /secretArn/,
  },
  {
    what: "a secret given by name instead of ARN",
    env: "sandbox",
    edit: (e) => (api(e).secrets = { TOKEN: { secretArn: "app/token" } }),
    path: `${S}.services.services[1].secrets.TOKEN.secretArn`,
    value: '"app/token"',
    allowed: /arn:aws:secretsmanager:/,
  },
  {
    what: "a secret source with both kinds of ARN",
    env: "sandbox",
    edit: (e) =>
      Object.assign(api(e), {
        secrets: {
          TOKEN: {
            secretArn: "arn:aws:secretsmanager:ap-northeast-1:444444444444:secret:app/token-AbCdEf",
            ssmParameterArn: "arn:aws:ssm:ap-northeast-1:444444444444:parameter/app/token",
          },
        },
      }),
    path: `${S}.services.services[1].secrets.TOKEN`,
    value: undefined,
    allowed: /secretArn.*ssmParameterArn|ssmParameterArn.*secretArn/,
  },
  {
    what: "capacity-provider weights all zero",
    env: "sandbox",
    edit: (e) => (svc(e).cluster = { fargateWeight: 0, spotWeight: 0 }),
    path: `${S}.services.cluster.spotWeight`,
    value: "0",
    allowed: /1\.\.1000/,
  },
  {
    what: "a capacity-provider weight above what ECS accepts",
    env: "sandbox",
    edit: (e) => (svc(e).cluster = { fargateWeight: 1001 }),
    path: `${S}.services.cluster.fargateWeight`,
    value: "1001",
    allowed: /1000/,
  },
  {
    what: "a route to a service that does not exist",
    env: "sandbox",
    edit: (e) => (svc(e).routes[0].service = "apii"),
    path: `${S}.services.routes[0].service`,
    value: '"apii"',
    allowed: /"web", "api"/,
  },
  {
    what: "the same path routed twice",
    env: "sandbox",
    edit: (e) => svc(e).routes.unshift({ service: "web", paths: ["/api/*"] }),
    path: `${S}.services.routes[1].paths[0]`,
    value: '"/api/*"',
    allowed: /routes\[0\]/,
  },
  {
    what: "a call to a service listed twice",
    env: "sandbox",
    edit: (e) => (web(e).calls = ["api", "api"]),
    path: `${S}.services.services[0].calls[1]`,
    value: '"api"',
    allowed: /listed twice/,
  },
  {
    what: "minimum tasks above the maximum",
    env: "sandbox",
    edit: (e) => (web(e).scaling = { minTasks: 3, maxTasks: 2 }),
    path: `${S}.services.services[0].scaling.minTasks`,
    value: "3",
    allowed: /above maxTasks \(2\)/,
  },
  {
    what: "a health check path without the leading slash",
    env: "sandbox",
    // web: without a globalPrefix the missing slash is the one problem.
    edit: (e) => (web(e).healthCheckPath = "health"),
    path: `${S}.services.services[0].healthCheckPath`,
    value: '"health"',
    allowed: /must start with "\/"/,
  },
  {
    what: "an environment variable name with a hyphen",
    env: "sandbox",
    edit: (e) => (web(e).environment = { "API-BASE": "/api" }),
    path: `${S}.services.services[0].environment.API-BASE`,
    value: '"API-BASE"',
    allowed: /environment variable name/,
  },
  {
    what: "an ALB ingress CIDR with a bad prefix",
    env: "sandbox",
    edit: (e) => (svc(e).alb.ingressCidrs = ["203.0.113.0/33"]),
    path: `${S}.services.alb.ingressCidrs[0]`,
    value: '"203.0.113.0/33"',
    allowed: /IPv4 CIDR/,
  },
  {
    what: "the blue/green test listener on 443",
    env: "live",
    edit: (e) => (svc(e).alb.testListenerPort = 443),
    path: `${L}.services.alb.testListenerPort`,
    value: "443",
    allowed: /other than 80 and 443/,
  },
  {
    what: "an HTTPS listener with a certificate ARN of the wrong service",
    env: "live",
    edit: (e) => {
      svc(e).alb.listener = {
        protocol: "https",
        certificateArn: "arn:aws:iam::555555555555:server-certificate/app",
      };
      edge(e).originDomain = "origin.app.example.com";
    },
    path: `${L}.services.alb.listener.certificateArn`,
    value: '"arn:aws:iam::555555555555:server-certificate/app"',
    allowed: /arn:aws:acm:<region>:<account>:certificate\/<id>/,
  },
  {
    what: "an HTTP listener without a reason",
    env: "sandbox",
    edit: (e) => (svc(e).alb.listener = { protocol: "http" } as never),
    path: `${S}.services.alb.listener`,
    value: undefined,
    allowed: /form 3 \{ protocol, reason \}: reason is required/,
  },
  {
    what: "a task permission of every action on every resource",
    env: "sandbox",
    edit: (e) => (api(e).taskPermissions = [{ actions: ["s3:*"], resources: ["*"] }]),
    path: `${S}.services.services[1].taskPermissions[0]`,
    value: '"s3:*"',
    allowed: /name the resources or the actions/,
  },
  {
    what: "a scratch tag prefix listed twice",
    env: "sandbox",
    edit: (e) => (svc(e).repositories = { scratchTagPrefixes: ["dev-", "pr-", "dev-"] }),
    path: `${S}.services.repositories.scratchTagPrefixes[2]`,
    value: '"dev-"',
    allowed: /listed twice/,
  },
  // ---- edge
  {
    what: "an edge domain in upper case",
    env: "live",
    edit: (e) => (edge(e).domain = "App.example.com"),
    path: `${L}.edge.domain`,
    value: '"App.example.com"',
    allowed: /lower-case DNS name/,
  },
  {
    what: "a static path listed twice",
    env: "live",
    edit: (e) => (edge(e).staticPaths = ["/_next/static/*", "/_next/static/*"]),
    path: `${L}.edge.staticPaths[1]`,
    value: '"/_next/static/*"',
    allowed: /already listed/,
  },
  {
    what: "a path both cached and uncached",
    env: "live",
    edit: (e) => (edge(e).uncachedPaths = ["/api/*", "/_next/static/*"]),
    path: `${L}.edge.uncachedPaths[1]`,
    value: '"/_next/static/*"',
    allowed: /already listed in staticPaths\[0\]/,
  },
  {
    what: "an edge path without the leading slash",
    env: "live",
    edit: (e) => (edge(e).uncachedPaths = ["api/*"]),
    path: `${L}.edge.uncachedPaths[0]`,
    value: '"api/*"',
    allowed: /starting with "\/"/,
  },
  {
    what: "HSTS preload without includeSubdomains",
    env: "live",
    edit: (e) => (edge(e).hsts = { preload: true, includeSubdomains: false }),
    path: `${L}.edge.hsts.preload`,
    value: "true",
    allowed: /includeSubdomains/,
  },
  {
    what: "a production ALB without CloudFront",
    env: "live",
    edit: (e) => (e.edge = undefined),
    path: `${L}.edge`,
    value: undefined,
    allowed: /is missing: a production ALB is served through CloudFront/,
  },
  // ---- dcv
  {
    what: "a DCV agent at a public address",
    env: "sandbox",
    edit: (e) => (dcv(e).agents[0].address = "8.8.8.8"),
    path: `${S}.dcv.agents[0].address`,
    value: '"8.8.8.8"',
    allowed: /RFC 1918/,
  },
  {
    what: "a DCV agent in a network nothing routes to",
    env: "sandbox",
    edit: (e) => (dcv(e).agents[0].address = "172.16.5.10"),
    path: `${S}.dcv.agents[0].address`,
    value: '"172.16.5.10"',
    allowed: /no declared route leads there/,
  },
  {
    what: "a DCV agent address with a typo",
    env: "sandbox",
    edit: (e) => (dcv(e).agents[0].address = "10.150.248.1800"),
    path: `${S}.dcv.agents[0].address`,
    value: '"10.150.248.1800"',
    allowed: /IPv4 address/,
  },
  {
    what: "a DCV agent copied without renaming it",
    env: "sandbox",
    edit: (e) => (dcv(e).agents[1].name = "agent1"),
    path: `${S}.dcv.agents[1].name`,
    value: '"agent1"',
    allowed: /unique|already|twice/,
  },
  {
    what: "two DCV agents at one address",
    env: "sandbox",
    edit: (e) => (dcv(e).agents[1].address = "10.150.248.180"),
    path: `${S}.dcv.agents[1].address`,
    value: '"10.150.248.180:8443"',
    allowed: /already the target of agents\[0\]/,
  },
  {
    what: "a DCV agent at the network address of its routed network",
    env: "sandbox",
    edit: (e) => (dcv(e).agents[0].address = "10.150.248.0"),
    path: `${S}.dcv.agents[0].address`,
    value: '"10.150.248.0"',
    allowed: /network address of 10\.150\.248\.0\/24, not a host/,
  },
  {
    what: "a DCV agent at an address AWS reserves in the private subnet",
    env: "sandbox",
    edit: (e) => (dcv(e).agents[0].address = "10.110.0.2"),
    path: `${S}.dcv.agents[0].address`,
    value: '"10.110.0.2"',
    allowed:
      /AWS reserves in the private subnet 10\.110\.0\.0\/\d+ \(the first four and the last\)/,
  },
  {
    what: "an arm64 gateway type with the x86_64 architecture",
    env: "live",
    edit: (e) => {
      const g = dcv(e).gateway;
      g.instanceType = "t4g.small";
    },
    path: `${L}.dcv.gateway.architecture`,
    value: '"x86_64"',
    allowed: /arm64/,
  },
  {
    what: "a DCV agent instance type that does not exist",
    env: "live",
    edit: (e) => {
      const i = dcv(e).agents[0].instance;
      if (i === undefined) throw new Error("fixture agent without instance");
      i.instanceType = "g5.large";
    },
    path: `${L}.dcv.agents[0].instance.instanceType`,
    value: '"g5.large"',
    allowed: /g5 comes in xlarge/,
  },
  {
    what: "every AWS account allowed to connect",
    env: "live",
    edit: (e) => (dcv(e).endpointService.allowedPrincipals = ["*"]),
    path: `${L}.dcv.endpointService.allowedPrincipals[0]`,
    value: '"*"',
    allowed: /list account, role or user ARNs/,
  },
  {
    what: "an endpoint principal listed twice",
    env: "live",
    edit: (e) =>
      (dcv(e).endpointService.allowedPrincipals = [
        "arn:aws:iam::333333333333:root",
        "arn:aws:iam::333333333333:root",
      ]),
    path: `${L}.dcv.endpointService.allowedPrincipals[1]`,
    value: '"arn:aws:iam::333333333333:root"',
    allowed: /listed twice/,
  },
  {
    what: "DCV clients from anywhere",
    env: "sandbox",
    edit: (e) => {
      const c = dcv(e).consumer;
      if (c === undefined) throw new Error("fixture without consumer");
      c.clientCidrs = ["0.0.0.0/0"];
    },
    path: `${S}.dcv.consumer.clientCidrs[0]`,
    value: '"0.0.0.0/0"',
    allowed: /list the client networks/,
  },
  {
    what: "a gateway TLS secret given as an SSM parameter ARN",
    env: "live",
    edit: (e) =>
      (dcv(e).gateway.tls = {
        source: "secret",
        secretArn: "arn:aws:ssm:ap-northeast-1:555555555555:parameter/dcv/tls",
      }),
    path: `${L}.dcv.gateway.tls.secretArn`,
    value: '"arn:aws:ssm:ap-northeast-1:555555555555:parameter/dcv/tls"',
    allowed: /Secrets Manager secret ARN/,
  },
  // ---- operations, budget, trail
  {
    what: "an alarm address without a domain",
    env: "live",
    edit: (e) => {
      const ops = e.operations ?? {};
      ops.alarmEmails = { critical: ["oncall"] };
      e.operations = ops;
    },
    path: `${L}.operations.alarmEmails.critical[0]`,
    value: '"oncall"',
    allowed: /e-mail address/,
  },
  {
    what: "an alarm address listed twice",
    env: "live",
    edit: (e) => {
      const ops = e.operations ?? {};
      ops.alarmEmails = { critical: ["oncall@example.com", "oncall@example.com"] };
      e.operations = ops;
    },
    path: `${L}.operations.alarmEmails.critical[1]`,
    value: '"oncall@example.com"',
    allowed: /listed twice/,
  },
  {
    what: "a budget alert threshold listed twice",
    env: "live",
    edit: (e) => {
      const ops = e.operations ?? {};
      ops.budget = { monthlyLimitUsd: 3000, actualAlertPercents: [80, 100, 80] };
      e.operations = ops;
    },
    path: `${L}.operations.budget.actualAlertPercents[2]`,
    value: "80",
    allowed: /listed twice/,
  },
  {
    what: "more budget alerts than AWS Budgets allows",
    env: "live",
    edit: (e) => {
      const ops = e.operations ?? {};
      ops.budget = { monthlyLimitUsd: 3000, actualAlertPercents: [50, 60, 70, 80, 90] };
      e.operations = ops;
    },
    path: `${L}.operations.budget.actualAlertPercents`,
    value: "[50,60,70,80,90]",
    allowed: /allows 5/,
  },
  {
    what: "a budget of zero dollars",
    env: "sandbox",
    edit: (e) => {
      const ops = e.operations ?? {};
      ops.budget = { monthlyLimitUsd: 0 };
      e.operations = ops;
    },
    path: `${S}.operations.budget.monthlyLimitUsd`,
    value: "0",
    allowed: /positive amount of US dollars/,
  },
  {
    what: "a production environment without a budget",
    env: "live",
    edit: (e) => {
      const ops = e.operations ?? {};
      ops.budget = undefined;
      e.operations = ops;
    },
    path: `${L}.operations.budget`,
    value: undefined,
    allowed: /set monthlyLimitUsd/,
  },
  {
    what: "the log bucket expiring objects before they reach Glacier",
    env: "sandbox",
    edit: (e) => {
      const ops = e.operations ?? {};
      ops.logBucket = { glacierAfterDays: 90, expireAfterDays: 60 };
      e.operations = ops;
    },
    path: `${S}.operations.logBucket.expireAfterDays`,
    value: "60",
    allowed: /later than glacierAfterDays \(90\)/,
  },
  {
    what: "a trail key prefix with a leading slash",
    env: "sandbox",
    edit: (e) => {
      const ops = e.operations ?? {};
      ops.trail = { keyPrefix: "/cloudtrail" };
      e.operations = ops;
    },
    path: `${S}.operations.trail.keyPrefix`,
    value: '"/cloudtrail"',
    allowed: /separated by single "\/"/,
  },
  // ---- account-wide and cross-environment
  {
    what: "two environments in one account both creating the GuardDuty detector",
    env: "live",
    edit: (e, all) => {
      e.account = "444444444444";
      e.state = { backend: "s3", bucket: "fixture-tfstate-live-ap-northeast-1" };
      for (const env of [e, all.environments.sandbox]) {
        const budget = env.operations?.budget;
        if (budget === undefined) throw new Error("fixture environment without a budget");
        budget.scope = "environment-tag";
      }
      all.environments.sandbox.accountSingletons = {
        githubOidcProvider: "reference",
        configRecorder: "reference",
        cloudTrail: "reference",
        ecrPullThroughCache: "reference",
      };
    },
    path: `${L}.accountSingletons.guardDutyDetector`,
    value: '"create"',
    allowed: /set this to "reference"/,
  },
  {
    what: "two environments sharing the state bucket, both bootstrapping it",
    env: "live",
    edit: (e, all) => {
      const s = all.environments.sandbox.state;
      if (s.backend !== "s3") throw new Error("fixture sandbox without S3 state");
      e.state = { backend: "s3", bucket: s.bucket };
    },
    path: `${L}.state.bucket`,
    value: '"fixture-tfstate-444444444444-ap-northeast-1"',
    allowed: /bootstrap to false/,
  },
  {
    what: "a shared state bucket looked for in another region",
    env: "live",
    edit: (e) =>
      (e.state = {
        backend: "s3",
        bucket: "fixture-tfstate-444444444444-ap-northeast-1",
        bootstrap: false,
        region: "us-east-1",
      }),
    path: `${L}.state.region`,
    value: '"us-east-1"',
    allowed:
      /is in ap-northeast-1 for environments\.sandbox.*set state\.region to "ap-northeast-1"/,
  },
  {
    what: "a production environment deployed without an approval gate",
    env: "live",
    edit: (e) => {
      if (e.ci === undefined) throw new Error("fixture without ci");
      delete e.ci.githubEnvironment;
    },
    path: `${L}.ci.githubEnvironment`,
    value: undefined,
    allowed:
      /is not set: production is applied only after approval.*required reviewers of a GitHub environment/,
  },
  {
    what: "two environments trusting the same GitHub environment",
    env: "live",
    edit: (e) => {
      if (e.ci === undefined) throw new Error("fixture without ci");
      e.ci.githubEnvironment = "sandbox";
    },
    path: `${L}.ci.githubEnvironment`,
    value: '"sandbox"',
    allowed: /give each environment its own GitHub environment/,
  },
  {
    what: "an environment copied with the other environment's ALB domain",
    env: "sandbox",
    edit: (e) => {
      svc(e).alb.listener = {
        protocol: "https",
        domain: "origin.app.example.com",
        hostedZoneId: "Z0123456789ABCDEFGHIJ",
      };
      e.policyExceptions = [];
    },
    path: `${L}.services.alb.listener.domain`,
    value: '"origin.app.example.com"',
    allowed:
      /already claimed by environments\.sandbox\.services\.alb\.listener\.domain; each environment needs its own DNS names/,
  },
  {
    what: "two environments with one DCV private DNS name",
    env: "live",
    edit: (e, all) => {
      dcv(e).endpointService.privateDnsName = "dcv.example.com";
      dcv(all.environments.sandbox).endpointService.privateDnsName = "dcv.example.com";
    },
    path: `${L}.dcv.endpointService.privateDnsName`,
    value: '"dcv.example.com"',
    allowed: /already claimed by environments\.sandbox\.dcv\.endpointService\.privateDnsName/,
  },
  {
    what: "an environment whose name differs from its key",
    env: "sandbox",
    edit: (e) => (e.name = "dev"),
    path: `${S}.name`,
    value: '"dev"',
    allowed: /must equal its key "sandbox"/,
  },
  {
    what: "an account id with a digit missing",
    env: "sandbox",
    edit: (e) => (e.account = "44444444444"),
    path: `${S}.account`,
    value: '"44444444444"',
    allowed: /12-digit/,
  },
  {
    what: "a misspelt region",
    env: "sandbox",
    edit: (e) => (e.region = "ap-northeast1"),
    path: `${S}.region`,
    value: '"ap-northeast1"',
    allowed: /did you mean "ap-northeast-1"/,
  },
  {
    what: "a CI branch given as a ref",
    env: "sandbox",
    edit: (e) => {
      if (e.ci === undefined) throw new Error("fixture without ci");
      e.ci.branch = "refs/heads/main";
    },
    path: `${S}.ci.branch`,
    value: '"refs/heads/main"',
    allowed: /without "refs\/heads\/"/,
  },
  {
    what: "a CI repository without the owner",
    env: "sandbox",
    edit: (e) => {
      if (e.ci === undefined) throw new Error("fixture without ci");
      e.ci.repository = "platform-infra";
    },
    path: `${S}.ci.repository`,
    value: '"platform-infra"',
    allowed: /"owner\/name"/,
  },
  // ---- HCP Terraform
  {
    what: "an HCP organization with a space",
    env: "sandbox",
    edit: (e) => (e.state = { backend: "cloud", organization: "my org" } as never),
    path: `${S}.state.organization`,
    value: '"my org"',
    allowed: /letters|characters/,
  },
  {
    what: "an agent pool without agent execution",
    env: "sandbox",
    edit: (e) => {
      e.ci = undefined;
      e.state = { backend: "cloud", organization: "fixture-org", agentPool: "pool-1" };
    },
    path: `${S}.state.agentPool`,
    value: '"pool-1"',
    allowed: /executionMode "agent"/,
  },
  {
    what: "a backend that does not exist",
    env: "sandbox",
    edit: (e) => (e.state = { backend: "gcs", bucket: "x" } as never),
    path: `${S}.state.backend`,
    value: '"gcs"',
    allowed: /backend must be one of "s3", "cloud"/,
  },
  // ---- tags
  {
    what: "a tag key in AWS's reserved aws: namespace",
    env: "sandbox",
    edit: (e) => (e.tags = { "aws:owner": "me" }),
    path: `${S}.tags.aws:owner`,
    value: '"aws:owner"',
    allowed: /reserved for AWS/,
  },
  {
    what: "a tag the platform sets itself (silently overridden)",
    env: "sandbox",
    edit: (e) => (e.tags = { Environment: "staging" }),
    path: `${S}.tags.Environment`,
    value: '"Environment"',
    allowed: /Project, Environment, Stack, ManagedBy/,
  },
  {
    what: "two tag keys differing only in case",
    env: "sandbox",
    edit: (e) => (e.tags = { Owner: "a", owner: "b" }),
    path: `${S}.tags.owner`,
    value: '"owner"',
    allowed: /Owner/,
  },
  {
    what: "a tag value with a character AWS tags refuse",
    env: "sandbox",
    edit: (e) => (e.tags = { CostCenter: "R&D" }),
    path: `${S}.tags.CostCenter`,
    value: '"R&D"',
    allowed: /letters, digits, spaces and \+ - = \. _ : \/ @/,
  },
  {
    what: "a tag key with a character AWS tags refuse",
    env: "sandbox",
    edit: (e) => (e.tags = { "cost#center": "x" }),
    path: `${S}.tags.cost#center`,
    value: '"cost#center"',
    allowed: /letters, digits, spaces and \+ - = \. _ : \/ @/,
  },
  {
    what: "a tag value longer than AWS allows",
    env: "sandbox",
    edit: (e) => (e.tags = { Owner: "x".repeat(257) }),
    path: `${S}.tags.Owner`,
    value: undefined,
    allowed: /256/,
  },
  // ---- keys and repeats in the remaining keyed lists
  {
    what: "a setting name misspelt",
    env: "sandbox",
    edit: (e) => Object.assign(e.network, { natGateway: "single" }),
    path: `${S}.network.natGateway`,
    value: '"natGateway"',
    allowed: /did you mean "natGateways"\?/,
  },
  {
    what: "an account singleton by a shortened name",
    env: "sandbox",
    edit: (e) => Object.assign(e, { accountSingletons: { guardDuty: "reference" } }),
    path: `${S}.accountSingletons.guardDuty`,
    value: '"guardDuty"',
    allowed:
      /did you mean "guardDutyDetector"\? Allowed keys: githubOidcProvider, guardDutyDetector/,
  },
  {
    what: "an account singleton mode misspelt",
    env: "sandbox",
    edit: (e) => Object.assign(e, { accountSingletons: { guardDutyDetector: "refer" } }),
    path: `${S}.accountSingletons.guardDutyDetector`,
    value: '"refer"',
    allowed: /form 1 "create".*form 2 "reference".*form 3 \{ adopt \}: must be an object/,
  },
  {
    what: "a secret given as a bare ARN string",
    env: "sandbox",
    edit: (e) =>
      Object.assign(api(e), {
        secrets: { TOKEN: "arn:aws:secretsmanager:ap-northeast-1:444444444444:secret:x-AbCdEf" },
      }),
    path: `${S}.services.services[1].secrets.TOKEN`,
    value: '"arn:aws:secretsmanager:ap-northeast-1:444444444444:secret:x-AbCdEf"',
    allowed:
      /\{ secretArn, jsonKey \}: must be an object.*\{ ssmParameterArn \}: must be an object/,
  },
  {
    what: "an ALB ingress CIDR listed twice (two identical security-group rules)",
    env: "sandbox",
    edit: (e) =>
      (svc(e).alb.ingressCidrs = ["203.0.113.0/24", "198.51.100.0/24", "203.0.113.0/24"]),
    path: `${S}.services.alb.ingressCidrs[2]`,
    value: '"203.0.113.0/24"',
    allowed: /listed twice \(first at \[0\]\)/,
  },
  {
    what: "an external network CIDR listed twice",
    env: "sandbox",
    edit: (e) => {
      const n = e.network.externalNetworks?.[0];
      if (n === undefined) throw new Error("fixture without external network");
      n.cidrs = ["10.150.248.0/24", "10.150.248.0/24"];
    },
    path: `${S}.network.externalNetworks[0].cidrs[1]`,
    value: '"10.150.248.0/24"',
    allowed: /10\.150\.248\.0\/24|once/,
  },
  {
    what: "a DCV consumer subnet listed twice",
    env: "sandbox",
    edit: (e) =>
      (dcv(e).consumer = {
        vpcId: "vpc-0a1b2c3d4e5f60718",
        subnetIds: ["subnet-0a1b2c3d4e5f60718", "subnet-0a1b2c3d4e5f60718"],
        clientCidrs: ["10.110.0.0/16"],
      }),
    path: `${S}.dcv.consumer.subnetIds[1]`,
    value: '"subnet-0a1b2c3d4e5f60718"',
    allowed: /listed twice/,
  },
  {
    what: "a budget e-mail listed twice",
    env: "live",
    edit: (e) => {
      const budget = e.operations?.budget;
      if (budget === undefined) throw new Error("fixture without budget");
      budget.emails = ["finance@example.com", "finance@example.com"];
    },
    path: `${L}.operations.budget.emails[1]`,
    value: '"finance@example.com"',
    allowed: /listed twice/,
  },
  {
    what: "a policy exception repeated",
    env: "sandbox",
    edit: (e) => {
      const first = e.policyExceptions?.[0];
      if (first === undefined) throw new Error("fixture without policy exceptions");
      e.policyExceptions?.push({ ...first, reason: "the same exception again, reworded" });
    },
    path: `${S}.policyExceptions[1].resource`,
    value: "ALB-HTTP-REDIRECT fixture-sandbox-services/alb/http",
    allowed: /one exception per rule and resource/,
  },
  {
    what: "an HCP notification address listed twice",
    env: "sandbox",
    edit: (e) => {
      e.ci = undefined;
      e.state = {
        backend: "cloud",
        organization: "fixture-org",
        notifications: { emails: ["ops@example.com", "ops@example.com"] },
      };
    },
    path: `${S}.state.notifications.emails[1]`,
    value: '"ops@example.com"',
    allowed: /listed twice/,
  },
  {
    what: "a policy exception copied from another environment",
    env: "sandbox",
    edit: (e) => {
      const first = e.policyExceptions?.[0];
      if (first === undefined) throw new Error("fixture without policy exceptions");
      first.resource = "fixture-live-services/alb/http";
    },
    path: `${S}.policyExceptions[0].resource`,
    value: '"fixture-live-services/alb/http"',
    allowed: /expected "fixture-sandbox-<layer>\/<construct path>"/,
  },
  {
    what: "an origin domain in upper case",
    env: "live",
    edit: (e) => (edge(e).originDomain = "Origin.app.example.com"),
    path: `${L}.edge.originDomain`,
    value: '"Origin.app.example.com"',
    allowed: /lower-case DNS name/,
  },
  {
    what: "a flow-log aggregation interval between the two allowed",
    env: "sandbox",
    edit: (e) => (e.network.flowLogs = { maxAggregationInterval: 300 as never }),
    path: `${S}.network.flowLogs.maxAggregationInterval`,
    value: "300",
    allowed: /allowed: 60 or 600/,
  },
  // ---- exceptions and acknowledgements
  {
    what: "a policy exception for a rule that does not exist",
    env: "sandbox",
    edit: (e) =>
      (e.policyExceptions = [
        {
          rule: "ALB-HTTP",
          resource: "fixture-sandbox-services/alb/http",
          reason: "no domain yet here",
        },
      ]),
    path: `${S}.policyExceptions[0].rule`,
    value: '"ALB-HTTP"',
    allowed: /rules: /,
  },
];

function problems(input: PlatformInput): ConfigError {
  try {
    loadConfig(input);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw new Error(`expected a ConfigError, got ${String(error)}`);
  }
  throw new Error("the configuration was accepted");
}

describe("a battery of realistic configuration mistakes", () => {
  it("has at least 40 mistakes", () => {
    expect(MISTAKES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(MISTAKES.map((m) => [m.what, m] as const))("refuses %s", (_what, m) => {
    const input = fixtureInput();
    m.edit(input.environments[m.env], input);
    const error = problems(input);
    expect(
      error.issues.map((i) => i.path),
      error.message,
    ).toEqual([m.path]);
    const [issue] = error.issues;
    if (m.value !== undefined) expect(issue.message, error.message).toContain(m.value);
    expect(issue.message, error.message).toMatch(m.allowed);
  });
});

describe("valid edge values still load", () => {
  const VALID: readonly [string, Env, Edit][] = [
    [
      "a /16 VPC with all three AZs of ap-northeast-1",
      "live",
      (e) => {
        e.network.cidr = "10.120.0.0/16";
        e.network.azCount = 3;
      },
    ],
    [
      "the maximum capacity-provider weights and base",
      "sandbox",
      (e) => (svc(e).cluster = { fargateBase: 100000, fargateWeight: 1000, spotWeight: 1000 }),
    ],
    [
      "every gateway endpoint and extra interface endpoints",
      "live",
      (e) => {
        e.network.gatewayEndpoints = ["s3", "dynamodb"];
        e.network.interfaceEndpoints?.push("sts", "kms", "sqs", "sns");
      },
    ],
    [
      "the maximum number of Aurora readers",
      "live",
      (e) => {
        Object.assign(db(e), {
          readers: 15,
          readerAutoscaling: { minReaders: 15, maxReaders: 15 },
        });
      },
    ],
    [
      "the longest backup retention and a window across midnight",
      "live",
      (e) => {
        db(e).backup = { retentionDays: 35, window: "23:30-00:30" };
        db(e).maintenanceWindow = "sun:01:00-sun:02:00";
      },
    ],
    [
      "a cache on every supported engine version",
      "live",
      (e) =>
        (e.cache = {
          engine: "valkey",
          engineVersion: "8.1",
          nodeType: "cache.r7g.large",
          replicas: 5,
          allowFrom: ["api", "web"],
        }),
    ],
    [
      "PostgreSQL 13 on Extended Support",
      "sandbox",
      (e) => {
        db(e).engineVersion = "13";
        db(e).extendedSupport = true;
      },
    ],
    ["the newest listed Aurora minor", "live", (e) => (db(e).engineVersion = "17.7")],
    [
      "a DCV agent at the edge of the routed network",
      "sandbox",
      (e) => (dcv(e).agents[0].address = "10.150.248.254"),
    ],
    [
      "tag keys that merely contain aws",
      "sandbox",
      (e) =>
        (e.tags = {
          "team:aws-costs": "x",
          awsRegionOwner: "y",
          ["x".repeat(128)]: "z".repeat(256),
        }),
    ],
    [
      "a secret with a JSON key and a version stage",
      "sandbox",
      (e) =>
        (api(e).secrets = {
          TOKEN: {
            secretArn:
              "arn:aws:secretsmanager:ap-northeast-1:444444444444:secret:app/token-AbCdEf:token:AWSCURRENT:",
          },
        }),
    ],
    [
      "a digest-pinned image in production",
      "live",
      (e) => {
        web(e).imageTag = undefined;
        web(e).image =
          `123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/web@sha256:${"0".repeat(64)}`;
      },
    ],
  ];

  it.each(VALID)("accepts %s", (_what, env, edit) => {
    const input = fixtureInput();
    edit(input.environments[env], input);
    expect(() => loadConfig(input)).not.toThrow();
  });

  it("accepts the fixture untouched", () => {
    expect(() => loadConfig(fixtureInput())).not.toThrow();
  });
});
