/**
 * On-demand list prices (USD, before tax, no free tier, no savings plans) the monthly cost
 * estimate (`npm run cost`, printed by `npm run synth`) multiplies the synthesized resources
 * by. One table per region; a stack in a region without a table is reported, never guessed.
 *
 * Prices change: the table carries the date its figures were taken, and docs/cost.md says how
 * to refresh it. An instance class missing from a table is listed as "unpriced" in the estimate
 * instead of counting as zero.
 */
export interface PriceTable {
  /** When the figures were taken from AWS's public price pages (YYYY-MM). */
  readonly asOf: string;
  /** Hours in a billing month, as AWS's own calculator counts them. */
  readonly hoursPerMonth: number;
  /** NAT gateway: per gateway-hour and per GB processed. */
  readonly natGateway: { readonly hour: number; readonly gb: number };
  /** Interface VPC endpoint (AWS services and PrivateLink consumers): per endpoint per AZ-hour, per GB. */
  readonly interfaceEndpoint: { readonly azHour: number; readonly gb: number };
  /** Transit gateway: per VPC attachment-hour and per GB processed. */
  readonly transitGatewayAttachment: { readonly hour: number; readonly gb: number };
  /** Public IPv4 address (Elastic IPs, internet-facing load balancer nodes): per address-hour. */
  readonly publicIpv4Hour: number;
  /** Application Load Balancer: per hour and per LCU-hour. */
  readonly alb: { readonly hour: number; readonly lcuHour: number };
  /** Network Load Balancer: per hour and per NLCU-hour. */
  readonly nlb: { readonly hour: number; readonly lcuHour: number };
  /** Fargate Linux per vCPU-hour and per GB-hour, by CPU architecture. */
  readonly fargate: Readonly<
    Record<"X86_64" | "ARM64", { readonly vcpuHour: number; readonly gbHour: number }>
  >;
  /** EC2 Linux on-demand per instance-hour, by instance type. */
  readonly ec2Hour: Readonly<Record<string, number>>;
  /** EBS per GB-month, by volume type. */
  readonly ebsGbMonth: Readonly<Record<string, number>>;
  /** RDS for PostgreSQL single-AZ per instance-hour, by class (Multi-AZ doubles it). */
  readonly rdsPostgresHour: Readonly<Record<string, number>>;
  /** RDS storage per GB-month (single-AZ), by storage type. */
  readonly rdsStorageGbMonth: Readonly<Record<string, number>>;
  /** Aurora PostgreSQL (Standard storage) per instance-hour, by class. */
  readonly auroraPostgresHour: Readonly<Record<string, number>>;
  /** Aurora Serverless v2 per ACU-hour (Standard storage). */
  readonly auroraAcuHour: number;
  /** Aurora Standard storage per GB-month and per million I/O requests. */
  readonly auroraStorage: { readonly gbMonth: number; readonly ioMillion: number };
  /** Aurora I/O-Optimized: factor on instance prices, storage per GB-month, no I/O charge. */
  readonly auroraIoOptimized: { readonly instanceFactor: number; readonly gbMonth: number };
  /** ElastiCache (Redis OSS / Valkey) per node-hour, by node type. */
  readonly elastiCacheHour: Readonly<Record<string, number>>;
  /** CloudWatch: per alarm-month (standard, high resolution, composite) and per dashboard-month. */
  readonly cloudWatch: {
    readonly alarm: number;
    readonly highResolutionAlarm: number;
    readonly compositeAlarm: number;
    readonly dashboard: number;
    readonly logsIngestGb: number;
  };
  /** WAF: per web ACL-month, per rule (or rule group)-month, per million requests. */
  readonly waf: {
    readonly webAcl: number;
    readonly rule: number;
    readonly millionRequests: number;
  };
  /** KMS: per customer managed key-month. */
  readonly kmsKey: number;
  /** Secrets Manager: per secret-month. */
  readonly secret: number;
  /** AWS Config: per configuration item recorded and per rule evaluation. */
  readonly config: { readonly item: number; readonly evaluation: number };
  /** ECR storage per GB-month. */
  readonly ecrGbMonth: number;
  /** Route 53 per hosted zone-month. */
  readonly hostedZone: number;
  /** CloudFront (Japan edge): per GB to the internet and per 10,000 HTTPS requests. */
  readonly cloudFront: { readonly gb: number; readonly httpsRequests10k: number };
  /** CloudTrail: management events of a second or later trail and data events, per 100,000. */
  readonly cloudTrail: {
    readonly extraManagementEvents100k: number;
    readonly dataEvents100k: number;
  };
  /** AWS Budgets: per budget-day beyond the free ones. */
  readonly budgetDay: number;
}

/** Asia Pacific (Tokyo). */
const apNortheast1: PriceTable = {
  asOf: "2025-11",
  hoursPerMonth: 730,
  natGateway: { hour: 0.062, gb: 0.062 },
  interfaceEndpoint: { azHour: 0.014, gb: 0.01 },
  transitGatewayAttachment: { hour: 0.07, gb: 0.02 },
  publicIpv4Hour: 0.005,
  alb: { hour: 0.0243, lcuHour: 0.008 },
  nlb: { hour: 0.0243, lcuHour: 0.006 },
  fargate: {
    X86_64: { vcpuHour: 0.05056, gbHour: 0.00553 },
    ARM64: { vcpuHour: 0.04045, gbHour: 0.00442 },
  },
  ec2Hour: {
    "t3.micro": 0.0136,
    "t3.small": 0.0272,
    "t3.medium": 0.0544,
    "t3.large": 0.1088,
    "t4g.micro": 0.0108,
    "t4g.small": 0.0216,
    "t4g.medium": 0.0432,
    "t4g.large": 0.0864,
    "m5.large": 0.124,
    "m6i.large": 0.124,
    "c5.large": 0.107,
    "c6i.large": 0.107,
    "g4dn.xlarge": 0.71,
    "g4dn.2xlarge": 1.015,
  },
  ebsGbMonth: { gp3: 0.096, gp2: 0.12 },
  rdsPostgresHour: {
    "db.t4g.micro": 0.025,
    "db.t4g.small": 0.05,
    "db.t4g.medium": 0.1,
    "db.t3.micro": 0.028,
    "db.t3.small": 0.056,
    "db.m6g.large": 0.198,
    "db.r6g.large": 0.313,
  },
  rdsStorageGbMonth: { gp3: 0.138, gp2: 0.138, io1: 0.15 },
  auroraPostgresHour: {
    "db.t4g.medium": 0.113,
    "db.r6g.large": 0.313,
    "db.r7g.large": 0.333,
    "db.r6g.xlarge": 0.626,
  },
  auroraAcuHour: 0.15,
  auroraStorage: { gbMonth: 0.12, ioMillion: 0.24 },
  auroraIoOptimized: { instanceFactor: 1.3, gbMonth: 0.27 },
  elastiCacheHour: {
    "cache.t4g.micro": 0.025,
    "cache.t4g.small": 0.049,
    "cache.t4g.medium": 0.098,
    "cache.r7g.large": 0.276,
  },
  cloudWatch: {
    alarm: 0.1,
    highResolutionAlarm: 0.3,
    compositeAlarm: 0.5,
    dashboard: 3,
    logsIngestGb: 0.76,
  },
  waf: { webAcl: 5, rule: 1, millionRequests: 0.6 },
  kmsKey: 1,
  secret: 0.4,
  config: { item: 0.003, evaluation: 0.001 },
  ecrGbMonth: 0.1,
  hostedZone: 0.5,
  cloudFront: { gb: 0.114, httpsRequests10k: 0.012 },
  cloudTrail: { extraManagementEvents100k: 2, dataEvents100k: 0.1 },
  budgetDay: 0.02,
};

/** Price tables by region. */
export const PRICES: Readonly<Record<string, PriceTable>> = {
  "ap-northeast-1": apNortheast1,
};

/**
 * Usage the estimate assumes where a price depends on traffic rather than on what is
 * provisioned. Every line of the estimate that uses one says so.
 */
export interface UsageAssumptions {
  /** GB a month through each NAT gateway. */
  readonly natGbPerGateway: number;
  /** GB a month through each interface endpoint. */
  readonly endpointGbPerEndpoint: number;
  /** GB a month through each transit gateway attachment. */
  readonly transitGatewayGbPerAttachment: number;
  /** Average LCUs of an ALB and NLCUs of an NLB (1 = an idle-to-light load balancer). */
  readonly loadBalancerCapacityUnits: number;
  /** Fargate Spot's discount on on-demand Fargate (it floats; AWS quotes "up to 70%"). */
  readonly fargateSpotDiscount: number;
  /** GB stored by an Aurora cluster. */
  readonly auroraStorageGb: number;
  /** Million I/O requests a month of an Aurora Standard cluster. */
  readonly auroraIoMillions: number;
  /** GB stored per ECR repository. */
  readonly ecrGbPerRepository: number;
  /** AWS Config items recorded and rule evaluations a month per recorder. */
  readonly configItems: number;
  /** AWS Config rule evaluations a month per rule. */
  readonly configEvaluationsPerRule: number;
  /** GuardDuty a month per detector for a small account's CloudTrail, VPC and DNS volume. */
  readonly guardDutyPerDetector: number;
  /** Million requests a month through each WAF web ACL. */
  readonly wafMillionRequests: number;
  /** GB a month and million HTTPS requests a month served by each CloudFront distribution. */
  readonly cloudFront: { readonly gb: number; readonly millionRequests: number };
  /** Budgets each account gets free (AWS Budgets' first two). */
  readonly freeBudgets: number;
}

export const USAGE: UsageAssumptions = {
  natGbPerGateway: 50,
  endpointGbPerEndpoint: 5,
  transitGatewayGbPerAttachment: 10,
  loadBalancerCapacityUnits: 1,
  fargateSpotDiscount: 0.7,
  auroraStorageGb: 20,
  auroraIoMillions: 5,
  ecrGbPerRepository: 1,
  configItems: 1000,
  configEvaluationsPerRule: 100,
  guardDutyPerDetector: 5,
  wafMillionRequests: 1,
  cloudFront: { gb: 10, millionRequests: 1 },
  freeBudgets: 2,
};
