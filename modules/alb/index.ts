import { Construct } from "constructs";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener, type LbListenerDefaultAction } from "@cdktf/provider-aws/lib/lb-listener";
import {
  LbListenerRule,
  type LbListenerRuleAction,
} from "@cdktf/provider-aws/lib/lb-listener-rule";
import type { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Wafv2WebAclAssociation } from "@cdktf/provider-aws/lib/wafv2-web-acl-association";
import type { Names } from "../../lib/names";
import { allowIn } from "../../lib/sg-rules";
import type { AlarmTargets } from "../observability/settings";
import { ALB_LOG_PREFIX } from "../../lib/log-prefixes";
import { AlbAlarms } from "./alarms";
import { DnsValidatedCertificate } from "./certificate";
import type { PlannedRule, RoutingPlan } from "./routing";
import type { AlbSettings } from "./settings";

export type * from "./settings";

/** Modern TLS only: TLS 1.3 and 1.2 with forward-secret ciphers. */
export const ALB_TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
/** Lowest priority, for a blue/green catch-all that has to be a rule rather than the default. */
const CATCH_ALL_PRIORITY = 50000;

/** A service's target groups as the ALB sees them. */
export interface RouteTargets {
  readonly primary: LbTargetGroup;
  /** Present for blue/green services: ECS moves traffic between the two. */
  readonly alternate?: LbTargetGroup;
}

export interface ApplicationLoadBalancerProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** Account (access-log bucket). */
  readonly account: string;
  /** Region (access-log delivery). */
  readonly region: string;
  /** VPC of the ALB. */
  readonly vpcId: string;
  /** Public subnets, one per AZ. */
  readonly publicSubnetIds: readonly string[];
  /** Listener, logging, WAF settings. */
  readonly settings: AlbSettings;
  /** Validated routing plan (planRoutes). */
  readonly plan: RoutingPlan;
  /** Target groups by service. */
  readonly targets: Readonly<Record<string, RouteTargets>>;
  /** Deletion protection. */
  readonly deletionProtection: boolean;
  /**
   * The environment's log bucket (operations stack) for access logs under `alb/`.
   * @default none (required when settings.accessLogs is on)
   */
  readonly accessLogBucket?: string;
  /**
   * WAFv2 web ACL to associate (operations stack); overrides settings.wafWebAclArn.
   * @default settings.wafWebAclArn
   */
  readonly webAclArn?: string;
  /**
   * Where the 5xx and latency alarms go.
   * @default no alarms
   */
  readonly alarms?: AlarmTargets;
}

/**
 * The one internet-facing ALB of an environment: HTTPS with a modern policy (HTTP redirects
 * with 301) or an explicit HTTP-only exception, invalid headers dropped, desync mitigation,
 * access logs, and the computed routing rules. Blue/green services get a test listener and
 * rules whose actions ECS owns during deployments.
 */
export class ApplicationLoadBalancer extends Construct {
  readonly securityGroup: SecurityGroup;
  readonly loadBalancer: Lb;
  readonly listener: LbListener;
  readonly redirectListener?: LbListener;
  readonly testListener?: LbListener;
  /** Production listener rules by service (the last planned; for blue/green services the only one). */
  readonly productionRules: Readonly<Record<string, LbListenerRule>>;
  /** Test listener rules of blue/green services (the test listener also carries every other route). */
  readonly testRules: Readonly<Record<string, LbListenerRule>>;
  /** Everything a service must wait for before ECS registers targets. */
  readonly routingResources: readonly (LbListener | LbListenerRule)[];

  constructor(scope: Construct, id: string, props: ApplicationLoadBalancerProps) {
    super(scope, id);
    const { names, settings: s, plan } = props;
    const https = s.listener.protocol === "https";
    const blueGreen = Object.entries(props.targets)
      .filter(([, t]) => t.alternate !== undefined)
      .map(([name]) => name);

    this.securityGroup = new SecurityGroup(this, "security-group", {
      namePrefix: `${names.physical("alb", { maxLength: 200 })}-`,
      description: "ALB: HTTP/HTTPS from the allowed networks, to the services only",
      vpcId: props.vpcId,
      tags: names.nameTag("alb"),
      lifecycle: { createBeforeDestroy: true },
    });
    const sg = this.securityGroup.id;
    const ports = https ? [80, 443] : [80];
    s.ingressCidrs.forEach((cidr, i) => {
      for (const port of ports) {
        allowIn(this, `in-${port}-${i}`, {
          securityGroupId: sg,
          peer: { cidr },
          port,
          description: `Clients ${cidr}`,
        });
      }
    });
    if (blueGreen.length > 0) {
      (s.testListenerCidrs ?? []).forEach((cidr, i) => {
        allowIn(this, `in-test-${i}`, {
          securityGroupId: sg,
          peer: { cidr },
          port: s.testListenerPort,
          description: `Blue/green test traffic ${cidr}`,
        });
      });
    }

    if (s.accessLogs && props.accessLogBucket === undefined) {
      throw new Error(`${this.node.path}: access logs are on but no log bucket was given`);
    }
    this.loadBalancer = new Lb(this, "alb", {
      name: names.physical("alb", { maxLength: 32 }),
      loadBalancerType: "application",
      internal: false,
      subnets: [...props.publicSubnetIds],
      securityGroups: [sg],
      dropInvalidHeaderFields: true,
      desyncMitigationMode: "defensive",
      idleTimeout: s.idleTimeoutSeconds,
      enableDeletionProtection: props.deletionProtection,
      enableHttp2: true,
      accessLogs:
        s.accessLogs && props.accessLogBucket !== undefined
          ? { bucket: props.accessLogBucket, prefix: ALB_LOG_PREFIX, enabled: true }
          : undefined,
      tags: names.nameTag("alb"),
    });

    let certificateArn: string | undefined;
    if (s.listener.protocol === "https") {
      if ("certificateArn" in s.listener) {
        certificateArn = s.listener.certificateArn;
      } else {
        const cert = new DnsValidatedCertificate(this, "certificate", {
          names,
          domain: s.listener.domain,
          hostedZoneId: s.listener.hostedZoneId,
        });
        certificateArn = cert.validatedArn;
        new Route53Record(this, "alias", {
          zoneId: s.listener.hostedZoneId,
          name: s.listener.domain,
          type: "A",
          alias: {
            name: this.loadBalancer.dnsName,
            zoneId: this.loadBalancer.zoneId,
            evaluateTargetHealth: true,
          },
        });
      }
    }

    const targetGroupIds = (service: string): string[] => {
      const t = props.targets[service];
      return [t.primary, ...(t.alternate === undefined ? [] : [t.alternate])].map(
        (g) => `${g.terraformResourceType}.${g.friendlyUniqueId}.id`,
      );
    };
    const forward = (service: string): LbListenerRuleAction & LbListenerDefaultAction => {
      const t = props.targets[service];
      if (t.alternate === undefined) return { type: "forward", targetGroupArn: t.primary.arn };
      return {
        type: "forward",
        forward: {
          targetGroup: [
            { arn: t.primary.arn, weight: 100 },
            { arn: t.alternate.arn, weight: 0 },
          ],
        },
      };
    };
    const notFound: LbListenerDefaultAction = {
      type: "fixed-response",
      fixedResponse: { contentType: "text/plain", messageBody: "Not Found", statusCode: "404" },
    };
    // A blue/green catch-all must be a rule, because ECS shifts rules, not default actions.
    const defaultService = plan.defaultService;
    const defaultIsRule = defaultService !== undefined && blueGreen.includes(defaultService);
    const rules: PlannedRule[] = [...plan.rules];
    if (defaultIsRule) {
      rules.push({
        priority: CATCH_ALL_PRIORITY,
        service: defaultService,
        paths: ["/*"],
        hosts: [],
        id: `${defaultService}-catch-all`,
      });
    }
    const defaultAction =
      defaultService === undefined || defaultIsRule ? notFound : forward(defaultService);

    const tls = https ? { certificateArn, sslPolicy: ALB_TLS_POLICY } : {};
    this.listener = new LbListener(this, https ? "https" : "http", {
      loadBalancerArn: this.loadBalancer.arn,
      port: https ? 443 : 80,
      protocol: https ? "HTTPS" : "HTTP",
      ...tls,
      defaultAction: [defaultAction],
      tags:
        s.listener.protocol === "http"
          ? { ...names.nameTag("alb-http"), HttpOnlyReason: s.listener.reason }
          : names.nameTag("alb-https"),
    });
    if (https) {
      this.redirectListener = new LbListener(this, "http-redirect", {
        loadBalancerArn: this.loadBalancer.arn,
        port: 80,
        protocol: "HTTP",
        defaultAction: [
          {
            type: "redirect",
            redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" },
          },
        ],
        tags: names.nameTag("alb-http-redirect"),
      });
    }

    const production: Record<string, LbListenerRule> = {};
    const routing: (LbListener | LbListenerRule)[] = [this.listener];
    // A blue/green service has exactly one rule (validated), the one ECS shifts. Its construct
    // id does not depend on its patterns: a new id would replace the rule, and a replaced rule
    // comes back forwarding to the primary target group while the tasks may run in the
    // alternate one (docs/services.md, "Blue/green").
    const ruleId = (r: PlannedRule): string =>
      r.id === `${r.service}-catch-all`
        ? r.id
        : blueGreen.includes(r.service)
          ? `${r.service}-blue-green`
          : r.id;
    const addRule = (listener: LbListener, prefix: string, r: PlannedRule): LbListenerRule => {
      const rule = new LbListenerRule(this, `${prefix}-${ruleId(r)}`, {
        listenerArn: listener.arn,
        priority: r.priority,
        action: [forward(r.service)],
        condition: [
          ...(r.paths.length > 0 ? [{ pathPattern: { values: [...r.paths] } }] : []),
          ...(r.hosts.length > 0 ? [{ hostHeader: { values: [...r.hosts] } }] : []),
        ],
        tags: { ...names.nameTag(["rule", r.service]), Service: r.service },
        // During a blue/green deployment ECS rewrites the weights; that is not drift.
        // ...but new target groups (a port change renames them) must reach the rule, and the
        // action is ignored: replacing the rule when a target group is replaced (its id
        // changes; an in-place update does not) points it at the new pair.
        lifecycle: blueGreen.includes(r.service)
          ? {
              ignoreChanges: ["action"],
              replaceTriggeredBy: targetGroupIds(r.service),
            }
          : undefined,
      });
      routing.push(rule);
      return rule;
    };
    for (const r of rules) production[r.service] = addRule(this.listener, "rule", r);
    this.productionRules = production;

    const test: Record<string, LbListenerRule> = {};
    if (blueGreen.length > 0) {
      // Every production route, at the same priority: green is reached on the test port
      // exactly as it will be on the production one (/api/* to the api, the rest to web).
      this.testListener = new LbListener(this, "test", {
        loadBalancerArn: this.loadBalancer.arn,
        port: s.testListenerPort,
        protocol: https ? "HTTPS" : "HTTP",
        ...tls,
        defaultAction: [defaultAction],
        tags: names.nameTag("alb-test"),
      });
      routing.push(this.testListener);
      for (const r of rules) {
        const rule = addRule(this.testListener, "test", r);
        if (blueGreen.includes(r.service)) test[r.service] = rule;
      }
    }
    this.testRules = test;
    this.routingResources = routing;

    const webAclArn = props.webAclArn ?? s.wafWebAclArn;
    if (webAclArn !== undefined) {
      new Wafv2WebAclAssociation(this, "waf", { resourceArn: this.loadBalancer.arn, webAclArn });
    }
    if (props.alarms !== undefined) {
      new AlbAlarms(this, "alarms", {
        names,
        loadBalancerArnSuffix: this.loadBalancer.arnSuffix,
        targets: props.alarms,
      });
    }
  }
}
