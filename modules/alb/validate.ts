import { cidrProblem } from "../../lib/cidr";
import { show, type Issue } from "../../lib/validation";
import { RULES_PER_LOAD_BALANCER } from "./limits";
import type { RoutingPlan } from "./routing";
import type { AlbSettings } from "./settings";

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/**
 * ALB rules; paths are relative to the alb settings, except blue/green ones, which name the
 * service (`services.<name>.blueGreen`), relative to the services settings' parent.
 */
export function albIssues(
  s: AlbSettings,
  plan: RoutingPlan | undefined,
  blueGreenServices: readonly string[],
): { alb: Issue[]; services: Issue[] } {
  const alb: Issue[] = [];
  const services: Issue[] = [];
  const add = (path: (string | number)[], message: string) => alb.push({ path, message });

  const l = s.listener;
  if (
    l.protocol === "https" &&
    "certificateArn" in l &&
    !/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/.+$/.test(l.certificateArn)
  ) {
    add(
      ["listener", "certificateArn"],
      `${show(l.certificateArn)} is not an ACM certificate ARN in this form: arn:aws:acm:<region>:<account>:certificate/<id>`,
    );
  }
  if (l.protocol === "https" && "domain" in l) {
    if (!DOMAIN.test(l.domain))
      add(
        ["listener", "domain"],
        `${show(l.domain)} is not a lower-case DNS name such as app.example.com`,
      );
    if (!/^Z[A-Z0-9]{1,31}$/.test(l.hostedZoneId))
      add(
        ["listener", "hostedZoneId"],
        `${show(l.hostedZoneId)} is not a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ`,
      );
  }
  s.ingressCidrs.forEach((cidr, i) => {
    const problem = cidrProblem(cidr);
    if (problem !== undefined)
      add(["ingressCidrs", i], `${show(cidr)} is not a valid IPv4 CIDR (${problem})`);
  });
  (s.testListenerCidrs ?? []).forEach((cidr, i) => {
    const problem = cidrProblem(cidr);
    if (problem !== undefined)
      add(["testListenerCidrs", i], `${show(cidr)} is not a valid IPv4 CIDR (${problem})`);
    else if (cidr.endsWith("/0"))
      add(
        ["testListenerCidrs", i],
        `${show(cidr)} would publish untested releases; list the testers' networks`,
      );
  });
  if (
    !Number.isInteger(s.testListenerPort) ||
    s.testListenerPort < 1 ||
    s.testListenerPort > 65535 ||
    [80, 443].includes(s.testListenerPort)
  ) {
    add(
      ["testListenerPort"],
      `${show(s.testListenerPort)} must be a TCP port other than 80 and 443`,
    );
  }
  if (
    s.wafWebAclArn !== undefined &&
    !/^arn:aws[a-z-]*:wafv2:[a-z0-9-]+:\d{12}:regional\/webacl\/.+$/.test(s.wafWebAclArn)
  ) {
    add(["wafWebAclArn"], `${show(s.wafWebAclArn)} is not a regional WAFv2 web ACL ARN`);
  }

  if (blueGreenServices.length > 0 && s.testListenerCidrs === undefined) {
    add(
      ["testListenerCidrs"],
      `are required with blue/green (${blueGreenServices.join(", ")}): the ALB is internet-facing, so testers arrive from public addresses (office, VPN or NAT egress), never from the VPC CIDR`,
    );
  }
  if (plan !== undefined && blueGreenServices.length > 0) {
    // The quota counts every listener's rules: the test listener repeats every production
    // rule (green must be testable end to end), and a blue/green catch-all becomes a rule.
    const catchAll =
      plan.defaultService !== undefined && blueGreenServices.includes(plan.defaultService) ? 1 : 0;
    const needed = (plan.rules.length + catchAll) * 2;
    if (needed > RULES_PER_LOAD_BALANCER) {
      add(
        [],
        `needs ${needed} listener rules (${plan.rules.length + catchAll} on the production listener, repeated on the blue/green test listener); an ALB allows ${RULES_PER_LOAD_BALANCER}`,
      );
    }
    for (const service of blueGreenServices) {
      const count = plan.rules.filter((r) => r.service === service).length;
      if (plan.defaultService === service && count > 0) {
        services.push({
          path: [service, "blueGreen"],
          message: `is on, but ${show(service)} owns the catch-all and ${count} more listener rule${count === 1 ? "" : "s"}; ECS shifts exactly one rule, which must be the catch-all, so the other rules would keep sending traffic to the drained target group after a deployment. Route only "/*" to it (its other paths already fall to the catch-all)`,
        });
      } else if (count > 1) {
        services.push({
          path: [service, "blueGreen"],
          message: `is on, but the routes of ${show(service)} need ${count} listener rules and ECS shifts exactly one; keep its patterns within one rule (one route, few enough patterns)`,
        });
      }
    }
  }
  return { alb, services };
}
