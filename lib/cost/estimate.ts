import type { PriceTable, UsageAssumptions } from "../../config/prices";

/*
 * Monthly cost of synthesized stacks, read from the Terraform JSON alone: whatever construct
 * created a resource, its price follows from its type and arguments. Resource types without a
 * price here cost nothing by themselves (IAM, security groups, routes, ...); those whose price
 * depends on a class missing from the table are reported as unpriced, never counted as zero.
 */

type Body = Record<string, unknown>;

/** The parts of a synthesized stack the estimate reads. */
export interface CostStackJson {
  readonly resource?: Record<string, Record<string, Body>>;
}

/** One priced resource. */
export interface CostLine {
  readonly stack: string;
  /** Terraform address, `<type>.<name>`. */
  readonly address: string;
  /** What is billed, with the quantities used. */
  readonly detail: string;
  /** USD a month. */
  readonly monthly: number;
  /** True when the figure rests on a usage assumption (traffic, storage, events). */
  readonly assumed: boolean;
}

/** A resource the table cannot price. */
export interface Unpriced {
  readonly stack: string;
  readonly address: string;
  readonly reason: string;
}

export interface CostEstimate {
  readonly lines: readonly CostLine[];
  readonly unpriced: readonly Unpriced[];
}

const num = (v: unknown): number | undefined => {
  if (typeof v === "number") return v;
  if (typeof v === "string" && /^\d+(\.\d+)?$/.test(v)) return Number(v);
  return undefined;
};
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const obj = (v: unknown): Body | undefined => {
  const first: unknown = Array.isArray(v) ? v[0] : v;
  return first !== null && typeof first === "object" ? (first as Body) : undefined;
};
const list = (v: unknown): unknown[] | undefined => (Array.isArray(v) ? v : undefined);

/** The resource name in `${<type>.<name>.<attr>}`, when `value` references that type. */
export function referencedName(value: unknown, type: string): string | undefined {
  const m = new RegExp(`\\$\\{${type}\\.([^.}]+)\\.`).exec(str(value) ?? "");
  return m?.[1];
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Prices every resource of one environment's stacks (shared so account-wide free tiers apply once). */
export function estimateStacks(
  stacks: readonly { readonly stack: string; readonly json: CostStackJson }[],
  prices: PriceTable,
  usage: UsageAssumptions,
): CostEstimate {
  const lines: CostLine[] = [];
  const unpriced: Unpriced[] = [];
  const H = prices.hoursPerMonth;
  let budgets = 0;

  for (const { stack, json } of stacks) {
    const resources = json.resource ?? {};
    const of = (type: string): [string, Body][] => Object.entries(resources[type] ?? {});
    const add = (address: string, detail: string, monthly: number, assumed = false) => {
      lines.push({ stack, address, detail, monthly: round2(monthly), assumed });
    };
    const skip = (address: string, reason: string) => {
      unpriced.push({ stack, address, reason });
    };
    const hourly = (
      table: Readonly<Record<string, number>>,
      key: string | undefined,
      address: string,
      what: string,
    ): number | undefined => {
      const price = key === undefined ? undefined : table[key];
      if (price === undefined) skip(address, `${what} ${key ?? "(not a literal)"} has no price`);
      return price;
    };
    const ebs = (device: Body | undefined): { gb: number; monthly: number } => {
      // EC2 gives a root volume of the AMI's size when none is set; 8 GB is Amazon Linux's.
      const gb = num(device?.volume_size) ?? 8;
      const type = str(device?.volume_type) ?? "gp3";
      return { gb, monthly: gb * (prices.ebsGbMonth[type] ?? prices.ebsGbMonth.gp3) };
    };

    for (const [name] of of("aws_nat_gateway")) {
      const hours = prices.natGateway.hour * H;
      const data = usage.natGbPerGateway * prices.natGateway.gb;
      add(
        `aws_nat_gateway.${name}`,
        `NAT gateway ${H} h + ${usage.natGbPerGateway} GB processed`,
        hours + data,
        true,
      );
    }
    for (const [name] of of("aws_ec2_transit_gateway_vpc_attachment")) {
      const p = prices.transitGatewayAttachment;
      add(
        `aws_ec2_transit_gateway_vpc_attachment.${name}`,
        `transit gateway attachment ${H} h + ${usage.transitGatewayGbPerAttachment} GB`,
        p.hour * H + usage.transitGatewayGbPerAttachment * p.gb,
        true,
      );
    }
    for (const [name, b] of of("aws_eip")) {
      if (str(b.domain) !== undefined && str(b.domain) !== "vpc") continue;
      add(`aws_eip.${name}`, `public IPv4 address ${H} h`, prices.publicIpv4Hour * H);
    }
    for (const [name, b] of of("aws_vpc_endpoint")) {
      const type = str(b.vpc_endpoint_type) ?? "Gateway";
      if (type === "Gateway") continue;
      const address = `aws_vpc_endpoint.${name}`;
      if (type !== "Interface") {
        skip(address, `${type} endpoints have no price in the table`);
        continue;
      }
      const azs = list(b.subnet_ids)?.length ?? 1;
      add(
        address,
        `interface endpoint in ${azs} AZ(s) ${H} h + ${usage.endpointGbPerEndpoint} GB`,
        azs * prices.interfaceEndpoint.azHour * H +
          usage.endpointGbPerEndpoint * prices.interfaceEndpoint.gb,
        true,
      );
    }
    for (const [name, b] of of("aws_lb")) {
      const address = `aws_lb.${name}`;
      const type = str(b.load_balancer_type) ?? "application";
      const p = type === "application" ? prices.alb : type === "network" ? prices.nlb : undefined;
      if (p === undefined) {
        skip(address, `${type} load balancers have no price in the table`);
        continue;
      }
      const units = usage.loadBalancerCapacityUnits;
      const nodes = list(b.subnets)?.length ?? list(b.subnet_mapping)?.length ?? 1;
      const publicIps = b.internal === true ? 0 : nodes;
      add(
        address,
        `${type === "application" ? "ALB" : "NLB"} ${H} h + ${units} capacity unit(s)` +
          (publicIps > 0 ? ` + ${publicIps} public IPv4` : ""),
        p.hour * H + units * p.lcuHour * H + publicIps * prices.publicIpv4Hour * H,
        true,
      );
    }

    // Fargate at the minimum task count: the autoscaling floor, else the desired count.
    const floors = new Map<string, number>();
    for (const [, t] of of("aws_appautoscaling_target")) {
      const service = referencedName(str(t.resource_id)?.split("/").pop(), "aws_ecs_service");
      const min = num(t.min_capacity);
      if (service !== undefined && min !== undefined) floors.set(service, min);
    }
    for (const [name, s] of of("aws_ecs_service")) {
      const address = `aws_ecs_service.${name}`;
      const task = resources.aws_ecs_task_definition?.[
        referencedName(s.task_definition, "aws_ecs_task_definition") ?? ""
      ] as Body | undefined;
      const strategy = (list(s.capacity_provider_strategy) ?? []).map((x) => obj(x) ?? {});
      const providers = strategy.map((x) => str(x.capacity_provider));
      const fargateOnly = providers.every((p) => p === "FARGATE" || p === "FARGATE_SPOT");
      const launchType = str(s.launch_type) ?? (strategy.length > 0 ? undefined : "EC2");
      if (
        task === undefined ||
        !fargateOnly ||
        (launchType !== undefined && launchType !== "FARGATE")
      ) {
        skip(address, "only Fargate services with a task definition in the same stack are priced");
        continue;
      }
      const vcpu = (num(task.cpu) ?? 0) / 1024;
      const gb = (num(task.memory) ?? 0) / 1024;
      const arch =
        str(obj(task.runtime_platform)?.cpu_architecture) === "ARM64" ? "ARM64" : "X86_64";
      const p = prices.fargate[arch];
      const tasks = floors.get(name) ?? num(s.desired_count) ?? 0;
      // Tasks beyond the strategy's base split by weight between FARGATE and FARGATE_SPOT.
      const base = strategy.reduce((n, x) => n + (num(x.base) ?? 0), 0);
      const weight = (p: string) =>
        strategy
          .filter((x) => x.capacity_provider === p)
          .reduce((n, x) => n + (num(x.weight) ?? 0), 0);
      const onBase = Math.min(tasks, base);
      const rest = tasks - onBase;
      const total = weight("FARGATE") + weight("FARGATE_SPOT");
      const spot = total > 0 ? (rest * weight("FARGATE_SPOT")) / total : 0;
      const perTask = (vcpu * p.vcpuHour + gb * p.gbHour) * H;
      const monthly = perTask * (tasks - spot) + perTask * spot * (1 - usage.fargateSpotDiscount);
      add(
        address,
        `Fargate ${tasks} task(s) x ${vcpu} vCPU/${gb} GB ${arch}` +
          (spot > 0 ? `, ${spot} on Spot at -${usage.fargateSpotDiscount * 100}%` : ""),
        monthly,
        spot > 0,
      );
    }

    for (const [name, i] of of("aws_instance")) {
      const address = `aws_instance.${name}`;
      const price = hourly(prices.ec2Hour, str(i.instance_type), address, "instance type");
      if (price === undefined) continue;
      const root = ebs(obj(i.root_block_device));
      add(
        address,
        `EC2 ${str(i.instance_type)} ${H} h + ${root.gb} GB EBS`,
        price * H + root.monthly,
      );
    }
    for (const [name, g] of of("aws_autoscaling_group")) {
      const address = `aws_autoscaling_group.${name}`;
      const spec =
        obj(g.launch_template) ??
        obj(obj(obj(g.mixed_instances_policy)?.launch_template)?.launch_template_specification);
      const template = resources.aws_launch_template?.[
        referencedName(spec?.id ?? spec?.launch_template_id, "aws_launch_template") ?? ""
      ] as Body | undefined;
      const override = obj(obj(obj(g.mixed_instances_policy)?.launch_template)?.override);
      const type = str(override?.instance_type) ?? str(template?.instance_type);
      const price = hourly(prices.ec2Hour, type, address, "instance type");
      if (price === undefined) continue;
      const count = num(g.desired_capacity) ?? num(g.min_size) ?? 0;
      const volumes = (list(template?.block_device_mappings) ?? [])
        .map((m) => ebs(obj(obj(m)?.ebs)))
        .reduce((n, v) => ({ gb: n.gb + v.gb, monthly: n.monthly + v.monthly }), {
          gb: 0,
          monthly: 0,
        });
      add(
        address,
        `EC2 ${count} x ${type} ${H} h + ${volumes.gb} GB EBS each`,
        count * (price * H + volumes.monthly),
      );
    }

    for (const [name, d] of of("aws_db_instance")) {
      const address = `aws_db_instance.${name}`;
      if (!(str(d.engine) ?? "").startsWith("postgres")) {
        skip(address, `engine ${str(d.engine)} has no price in the table`);
        continue;
      }
      const price = hourly(
        prices.rdsPostgresHour,
        str(d.instance_class),
        address,
        "instance class",
      );
      if (price === undefined) continue;
      const copies = d.multi_az === true ? 2 : 1;
      const gb = num(d.allocated_storage) ?? 20;
      const storage = prices.rdsStorageGbMonth[str(d.storage_type) ?? "gp2"] ?? 0;
      const secret = d.manage_master_user_password === true ? prices.secret : 0;
      add(
        address,
        `RDS ${str(d.instance_class)}${copies > 1 ? " Multi-AZ" : ""} ${H} h + ${gb} GB ${str(d.storage_type) ?? "gp2"}` +
          (secret > 0 ? " + master secret" : ""),
        copies * (price * H + gb * storage) + secret,
      );
    }
    const clusters = resources.aws_rds_cluster ?? {};
    for (const [name, c] of Object.entries(clusters)) {
      const optimized = str(c.storage_type) === "aurora-iopt1";
      const gb = usage.auroraStorageGb;
      const storage = optimized
        ? gb * prices.auroraIoOptimized.gbMonth
        : gb * prices.auroraStorage.gbMonth +
          usage.auroraIoMillions * prices.auroraStorage.ioMillion;
      const secret = c.manage_master_user_password === true ? prices.secret : 0;
      add(
        `aws_rds_cluster.${name}`,
        `Aurora storage ${gb} GB` +
          (optimized ? " I/O-Optimized" : ` + ${usage.auroraIoMillions}M I/O`) +
          (secret > 0 ? " + master secret" : ""),
        storage + secret,
        true,
      );
    }
    for (const [name, i] of of("aws_rds_cluster_instance")) {
      const address = `aws_rds_cluster_instance.${name}`;
      const cluster = clusters[referencedName(i.cluster_identifier, "aws_rds_cluster") ?? ""] as
        Body | undefined;
      const factor =
        str(cluster?.storage_type) === "aurora-iopt1" ? prices.auroraIoOptimized.instanceFactor : 1;
      const cls = str(i.instance_class);
      if (cls === "db.serverless") {
        const acu = num(obj(cluster?.serverlessv2_scaling_configuration)?.min_capacity) ?? 0.5;
        add(
          address,
          `Aurora Serverless v2 ${acu} ACU minimum ${H} h`,
          acu * prices.auroraAcuHour * H * factor,
        );
        continue;
      }
      const price = hourly(prices.auroraPostgresHour, cls, address, "instance class");
      if (price !== undefined) add(address, `Aurora ${cls} ${H} h`, price * H * factor);
    }

    for (const [name, r] of of("aws_elasticache_replication_group")) {
      const address = `aws_elasticache_replication_group.${name}`;
      const price = hourly(prices.elastiCacheHour, str(r.node_type), address, "node type");
      if (price === undefined) continue;
      const nodes =
        num(r.num_cache_clusters) ??
        (num(r.num_node_groups) ?? 1) * ((num(r.replicas_per_node_group) ?? 0) + 1);
      add(address, `ElastiCache ${nodes} x ${str(r.node_type)} ${H} h`, nodes * price * H);
    }
    for (const [name, r] of of("aws_elasticache_cluster")) {
      if (r.replication_group_id !== undefined) continue;
      const address = `aws_elasticache_cluster.${name}`;
      const price = hourly(prices.elastiCacheHour, str(r.node_type), address, "node type");
      if (price === undefined) continue;
      const nodes = num(r.num_cache_nodes) ?? 1;
      add(address, `ElastiCache ${nodes} x ${str(r.node_type)} ${H} h`, nodes * price * H);
    }
    for (const [name] of of("aws_elasticache_serverless_cache")) {
      skip(
        `aws_elasticache_serverless_cache.${name}`,
        "serverless caches bill data stored and ECPUs, which the table does not model",
      );
    }

    for (const [name, a] of of("aws_cloudwatch_metric_alarm")) {
      const highRes = (num(a.period) ?? 60) < 60;
      add(
        `aws_cloudwatch_metric_alarm.${name}`,
        highRes ? "high-resolution alarm" : "alarm",
        highRes ? prices.cloudWatch.highResolutionAlarm : prices.cloudWatch.alarm,
      );
    }
    for (const [name] of of("aws_cloudwatch_composite_alarm")) {
      add(
        `aws_cloudwatch_composite_alarm.${name}`,
        "composite alarm",
        prices.cloudWatch.compositeAlarm,
      );
    }
    for (const [name] of of("aws_cloudwatch_dashboard")) {
      add(`aws_cloudwatch_dashboard.${name}`, "dashboard", prices.cloudWatch.dashboard);
    }
    for (const [name, w] of of("aws_wafv2_web_acl")) {
      const rules = list(w.rule)?.length ?? 0;
      add(
        `aws_wafv2_web_acl.${name}`,
        `WAF web ACL + ${rules} rule(s) + ${usage.wafMillionRequests}M requests`,
        prices.waf.webAcl +
          rules * prices.waf.rule +
          usage.wafMillionRequests * prices.waf.millionRequests,
        true,
      );
    }
    for (const type of ["aws_kms_key", "aws_kms_replica_key"]) {
      for (const [name] of of(type)) add(`${type}.${name}`, "KMS key", prices.kmsKey);
    }
    for (const [name] of of("aws_secretsmanager_secret")) {
      add(`aws_secretsmanager_secret.${name}`, "secret", prices.secret);
    }
    for (const [name] of of("aws_config_configuration_recorder")) {
      add(
        `aws_config_configuration_recorder.${name}`,
        `AWS Config ${usage.configItems} items recorded`,
        usage.configItems * prices.config.item,
        true,
      );
    }
    for (const [name] of of("aws_config_config_rule")) {
      add(
        `aws_config_config_rule.${name}`,
        `AWS Config rule, ${usage.configEvaluationsPerRule} evaluations`,
        usage.configEvaluationsPerRule * prices.config.evaluation,
        true,
      );
    }
    for (const [name] of of("aws_guardduty_detector")) {
      add(
        `aws_guardduty_detector.${name}`,
        "GuardDuty baseline of a small account",
        usage.guardDutyPerDetector,
        true,
      );
    }
    for (const [name] of of("aws_ecr_repository")) {
      add(
        `aws_ecr_repository.${name}`,
        `ECR ${usage.ecrGbPerRepository} GB stored`,
        usage.ecrGbPerRepository * prices.ecrGbMonth,
        true,
      );
    }
    for (const [name] of of("aws_route53_zone")) {
      add(`aws_route53_zone.${name}`, "hosted zone", prices.hostedZone);
    }
    for (const [name] of of("aws_cloudfront_distribution")) {
      const { gb, millionRequests } = usage.cloudFront;
      add(
        `aws_cloudfront_distribution.${name}`,
        `CloudFront ${gb} GB + ${millionRequests}M HTTPS requests`,
        gb * prices.cloudFront.gb + millionRequests * 100 * prices.cloudFront.httpsRequests10k,
        true,
      );
    }
    for (const [name] of of("aws_cloudtrail")) {
      // The first trail's copy of management events is free; data events are usage.
      add(`aws_cloudtrail.${name}`, "trail (management events free on the first trail)", 0, true);
    }
    for (const [name] of of("aws_budgets_budget")) {
      budgets += 1;
      const free = budgets <= usage.freeBudgets;
      add(
        `aws_budgets_budget.${name}`,
        free ? "budget (within the free ones)" : "budget",
        free ? 0 : prices.budgetDay * (365 / 12),
      );
    }
  }
  return { lines, unpriced };
}
