import type { EnvironmentInput } from "./schema";

/**
 * dev: two AZs sharing one NAT gateway, no interface endpoints. The cost estimate decided it
 * (docs/cost.md): seven interface endpoints in two AZs cost about $143 a month in Tokyo, one NAT
 * gateway with its address and 50 GB about $52, two about $104. dev accepts losing egress while
 * the NAT gateway's AZ is down. Production keeps endpoints and a NAT gateway per AZ.
 */
export const dev: EnvironmentInput = {
  name: "dev",
  account: "111111111111",
  region: "ap-northeast-1",
  production: false,
  tags: { CostCenter: "platform-dev", Owner: "platform-team" },
  // Every log group keeps 7 days in dev (prod keeps 30, flow and database logs 90).
  logRetentionDays: 7,
  state: {
    backend: "s3",
    bucket: "platform-tfstate-111111111111-ap-northeast-1",
    noncurrentVersionExpirationDays: 30,
  },
  network: {
    cidr: "10.10.0.0/16",
    azCount: 2,
    availabilityZones: ["ap-northeast-1a", "ap-northeast-1c"],
    natGateways: "single",
    flowLogs: { trafficType: "REJECT" },
    // The existing DCV servers sit in the shared network behind the organisation's transit
    // gateway; its route table must send 10.10.0.0/16 back to this VPC's attachment.
    externalNetworks: [
      { name: "dcv-agents", cidrs: ["10.150.248.0/24"], transitGatewayId: "tgw-0123456789abcdef0" },
    ],
  },
  // The cheapest sane shape: one small RDS PostgreSQL 16 instance on gp3.
  database: {
    engine: "postgres",
    // Major only: RDS applies minor upgrades in the maintenance window.
    engineVersion: "16",
    instanceClass: "db.t4g.micro",
    allocatedStorageGb: 20,
    maxAllocatedStorageGb: 100,
    multiAz: false,
    backup: { retentionDays: 7 },
    deletionProtection: false,
    preventDestroy: false,
    skipFinalSnapshot: false,
    performanceInsights: { enabled: false, retentionDays: 7 },
    logs: { statement: "ddl", minDurationMs: 500 },
  },
  // Today's two DCV servers, reached by address through the transit gateway
  // (network.externalNetworks); each serves under its own prefix (its DCV web-url-path).
  dcv: {
    agents: [
      { name: "agent1", address: "10.150.248.180", webUrlPath: "/agent1/" },
      { name: "agent2", address: "10.150.248.136", webUrlPath: "/agent2/" },
    ],
    gateway: {
      tls: {
        source: "self-signed",
        reason: "dev has no internal CA yet; testers trust the environment's one certificate",
      },
    },
    endpointService: { allowedPrincipals: [], acceptanceRequired: true },
    // An endpoint in dev's own VPC, for the VPN clients that use it.
    consumer: { vpcId: "self", clientCidrs: ["10.10.0.0/16"] },
  },
  // Next.js web on 3000, NestJS api on 3001 with Socket.IO, one ALB routing by path.
  services: {
    cluster: {
      containerInsights: "enabled",
      fargateBase: 0,
      fargateWeight: 1,
      spotWeight: 1,
    },
    alb: {
      listener: {
        protocol: "http",
        reason: "dev has no domain yet; reachable only from the office range",
      },
      ingressCidrs: ["203.0.113.0/24"],
    },
    services: [
      {
        name: "web",
        // Next.js renders pages server-side by calling the api (at API_URL, http://api:3001).
        calls: ["api"],
        imageTag: "0.1.0",
        port: 3000,
        cpu: 256,
        memory: 512,
        healthCheckPath: "/",
        environment: { NEXT_PUBLIC_API_BASE: "/api" },
        scaling: { minTasks: 1, maxTasks: 2 },
        // Error lines to CloudWatch Logs, every line to the log bucket (docs/logging.md).
        logRouter: true,
      },
      {
        name: "api",
        imageTag: "0.1.0",
        port: 3001,
        cpu: 512,
        memory: 1024,
        // NestJS with setGlobalPrefix("api"): every route, health included, sits under /api.
        globalPrefix: "/api",
        healthCheckPath: "/api/health",
        // IAM database authentication as the database user "api" (docs/services.md).
        database: true,
        // Socket.IO long-polling must stay on one task.
        stickiness: true,
        environment: { NODE_ENV: "development" },
        scaling: { minTasks: 1, maxTasks: 2 },
        // Error lines to CloudWatch Logs, every line to the log bucket (docs/logging.md).
        logRouter: true,
        execEnabled: true,
      },
      // An internal service: no route, no target group; reaches the api through Service
      // Connect only (and nothing reaches it).
      {
        name: "worker",
        internal: true,
        imageTag: "0.1.0",
        cpu: 256,
        memory: 512,
        calls: ["api"],
        scaling: { minTasks: 1, maxTasks: 1 },
        // Error lines to CloudWatch Logs, every line to the log bucket (docs/logging.md).
        logRouter: true,
      },
    ],
    routes: [
      { service: "api", paths: ["/api/*", "/socket.io/*"] },
      { service: "web", paths: ["/*"] },
    ],
  },
  // Valkey for the api's Socket.IO adapter and sessions: one small node, no replica.
  cache: { allowFrom: ["api"] },
  operations: {
    // A monthly cost budget; alerts go to the alarm topics.
    budget: { monthlyLimitUsd: 300 },
  },
  policyExceptions: [
    {
      rule: "ALB-HTTP-REDIRECT",
      resource: "platform-dev-services/alb/http",
      reason: "dev has no domain yet; the ALB admits only the office range (203.0.113.0/24)",
    },
  ],
  // GitHub Actions deploys through OIDC; the workflow's dev job runs in this
  // GitHub environment, whose subject the deploy role trusts.
  ci: {
    repository: "example-org/platform-infra",
    branch: "main",
    githubEnvironment: "dev",
    planGithubEnvironment: "dev-plan",
  },
};
