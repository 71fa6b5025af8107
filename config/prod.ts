import type { EnvironmentInput } from "./schema";

/**
 * prod: three AZs with a NAT gateway in each, so losing one AZ never cuts the others off.
 * Endpoints stay on to keep image pulls, logs and secrets off the NAT data path.
 */
export const prod: EnvironmentInput = {
  name: "prod",
  account: "222222222222",
  region: "ap-northeast-1",
  production: true,
  tags: { CostCenter: "platform-prod", Owner: "platform-team" },
  state: {
    backend: "s3",
    bucket: "platform-tfstate-222222222222-ap-northeast-1",
    noncurrentVersionExpirationDays: 365,
  },
  network: {
    cidr: "10.20.0.0/16",
    azCount: 3,
    availabilityZones: ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"],
    natGateways: "per-az",
    interfaceEndpoints: [
      "ecr.api",
      "ecr.dkr",
      "logs",
      "secretsmanager",
      "ssm",
      "ssmmessages",
      "ec2messages",
    ],
    flowLogs: { retentionDays: 90, maxAggregationInterval: 60 },
  },
  // Aurora with a writer and a reader in another AZ; autoscaling adds readers under load
  // (target CPU 70 %, up to 3 readers).
  database: {
    engine: "aurora-postgresql",
    engineVersion: "16.4",
    instanceClass: "db.r6g.large",
    readers: 1,
    readerAutoscaling: { minReaders: 1, maxReaders: 3, metric: "cpu", target: 70 },
    backup: { retentionDays: 30 },
    deletionProtection: true,
    preventDestroy: true,
    performanceInsights: { enabled: true, retentionDays: 7 },
    logs: { retentionDays: 90, statement: "ddl", minDurationMs: 1000 },
  },
  // DCV servers created here from the team's DCV image; the client account connects through
  // its own interface endpoint after the connection is accepted.
  dcv: {
    agents: [
      {
        name: "desk1",
        instance: {
          instanceType: "g4dn.xlarge",
          amiParameter: "/platform/dcv/agent-ami",
          rootVolumeGb: 100,
        },
        weight: 1,
      },
      {
        name: "desk2",
        instance: {
          instanceType: "g4dn.xlarge",
          amiParameter: "/platform/dcv/agent-ami",
          rootVolumeGb: 100,
        },
        weight: 1,
      },
    ],
    affinity: "client-ip",
    // The NLB's maximum; nginx closes idle sessions just before the NLB would.
    nlbIdleTimeoutSeconds: 6000,
    readTimeoutSeconds: 6000,
    sendTimeoutSeconds: 6000,
    gateway: {
      instanceType: "t3.small",
      architecture: "x86_64",
      minSize: 3,
      maxSize: 6,
      rootVolumeGb: 8,
      // Issued by the company CA and stored before the first apply (docs/dcv.md).
      tls: {
        source: "secret",
        secretArn:
          "arn:aws:secretsmanager:ap-northeast-1:222222222222:secret:platform/prod/dcv-gateway-tls-AbCdEf",
      },
    },
    endpointService: {
      allowedPrincipals: ["arn:aws:iam::333333333333:root"],
      acceptanceRequired: true,
    },
  },
  services: {
    cluster: { containerInsights: "enhanced", fargateBase: 2, fargateWeight: 1, spotWeight: 0 },
    alb: {
      listener: {
        protocol: "https",
        // The ALB's own name: CloudFront connects to it; viewers use app.example.com.
        domain: "origin.app.example.com",
        hostedZoneId: "Z0123456789ABCDEFGHIJ",
      },
      idleTimeoutSeconds: 300,
      // Release testers on the office network reach the test listener (8080) only.
      testListenerCidrs: ["203.0.113.0/24"],
    },
    // Pinned: production refuses a moving router image tag.
    logRouter: { imageTag: "init-2.34.3.20260623" },
    services: [
      {
        name: "web",
        // Next.js renders pages server-side by calling the api (at API_URL, http://api:3001).
        calls: ["api"],
        imageTag: "1.0.0",
        port: 3000,
        cpu: 512,
        memory: 1024,
        healthCheckPath: "/",
        environment: { NEXT_PUBLIC_API_BASE: "/api" },
        scaling: { minTasks: 2, maxTasks: 10 },
        // Error lines to CloudWatch Logs, every line to the log bucket (docs/logging.md).
        logRouter: true,
        // Blue/green releases, test traffic on 8080 from inside the VPC only.
        blueGreen: { enabled: true, bakeTimeMinutes: 10 },
      },
      {
        name: "api",
        imageTag: "1.0.0",
        port: 3001,
        cpu: 1024,
        memory: 2048,
        // NestJS with setGlobalPrefix("api"): every route, health included, sits under /api.
        globalPrefix: "/api",
        healthCheckPath: "/api/health",
        // IAM database authentication as the database user "api" (docs/services.md).
        database: true,
        stickiness: true,
        environment: { NODE_ENV: "production" },
        scaling: { minTasks: 2, maxTasks: 10, requestsPerTarget: 1000 },
        // Error lines to CloudWatch Logs, every line to the log bucket (docs/logging.md).
        logRouter: true,
      },
    ],
    routes: [
      { service: "api", paths: ["/api/*", "/socket.io/*"] },
      { service: "web", paths: ["/*"] },
    ],
  },
  // CloudFront in front of the ALB: build output cached at the edge, API and Socket.IO
  // passed through, WAF at the edge, media from a private bucket.
  edge: {
    domain: "app.example.com",
    hostedZoneId: "Z0123456789ABCDEFGHIJ",
    media: { pathPattern: "/media/*" },
  },
  // Valkey for the api's Socket.IO adapter and sessions, with a replica in another AZ.
  cache: {
    nodeType: "cache.r7g.large",
    replicas: 1,
    snapshotRetentionDays: 7,
    allowFrom: ["api"],
  },
  operations: {
    alarmEmails: {
      critical: ["platform-oncall@example.com"],
      warning: ["platform-team@example.com"],
    },
    // Alerts at 80 % and 100 % of the month's limit, and when the forecast passes it.
    budget: { monthlyLimitUsd: 3000 },
  },
  // GitHub Actions deploys through OIDC; the workflow's prod job runs in this GitHub
  // environment, whose subject the deploy role trusts.
  ci: {
    repository: "example-org/platform-infra",
    branch: "main",
    githubEnvironment: "production",
    planGithubEnvironment: "production-plan",
  },
};
