import { describe, expect, it } from "vitest";
import type { EnvironmentInput } from "../../config";
import { withEnv, rejection } from "../helpers/config";

type ServicesInput = NonNullable<EnvironmentInput["services"]>;
type ServiceInput = ServicesInput["services"][number];

function failure(
  env: "dev" | "prod",
  edit: (s: ServicesInput, e: EnvironmentInput) => void,
): string {
  const input = withEnv(env, (e) => {
    if (e.services === undefined) throw new Error("shipped environment without services");
    edit(e.services, e);
  });
  return rejection(input);
}

function named(s: ServicesInput, name: string): ServiceInput {
  const found = s.services.find((svc) => svc.name === name);
  if (found === undefined) throw new Error(`shipped environment without service ${name}`);
  return found;
}
const api = (s: ServicesInput): ServiceInput => named(s, "api");
/** The interface endpoints an environment without NAT needs for these services. */
const ENDPOINTS = ["ecr.api", "ecr.dkr", "logs", "secretsmanager", "ssm", "ssmmessages"];

describe("services validation rules (config paths)", () => {
  const cases: [string, "dev" | "prod", (s: ServicesInput, e: EnvironmentInput) => void, RegExp][] =
    [
      [
        "cpu/memory pair Fargate does not offer",
        "prod",
        (s) => (api(s).memory = 1536),
        /environments\.prod\.services\.services\[1\]\.memory: 1536 MiB does not pair with cpu 1024; Fargate allows 2048 to 8192 in steps of 1024/,
      ],
      [
        "cpu value Fargate does not offer",
        "prod",
        (s) => (api(s).cpu = 3000),
        /environments\.prod\.services\.services\[1\]\.cpu: 3000 is not a Fargate CPU value; allowed: 256, 512, 1024, 2048, 4096, 8192, 16384/,
      ],
      [
        "a secret in plain environment variables",
        "dev",
        (s) => (api(s).environment = { JWT_SECRET: "hunter2" }),
        /environments\.dev\.services\.services\[1\]\.environment\.JWT_SECRET: "JWT_SECRET" looks like a credential; .*Move it to secrets/,
      ],
      [
        "a database password in plain environment variables",
        "dev",
        (s) => (api(s).environment = { DB_PASSWORD: "x" }),
        /environment\.DB_PASSWORD: "DB_PASSWORD" looks like a credential/,
      ],
      [
        "service name too long for its target group",
        "prod",
        (s) => {
          s.services.push({
            ...named(s, "web"),
            name: "customer-notifications",
            blueGreen: { enabled: false },
          });
          s.routes.unshift({ service: "customer-notifications", paths: ["/notify/*"] });
        },
        /environments\.prod\.services\.services\[2\]\.name: "customer-notifications" is too long: its target group "platform-prod-customer-notifications-[0-9a-f]{4}" would have 41 characters and AWS allows 32; use at most 13 characters/,
      ],
      [
        "a routed service without a port",
        "dev",
        (s) => delete named(s, "web").port,
        /environments\.dev\.services\.services\[0\]\.port: is required: the ALB forwards to it \(or set internal: true/,
      ],
      [
        "a routed service without a health check path",
        "dev",
        (s) => delete named(s, "web").healthCheckPath,
        /environments\.dev\.services\.services\[0\]\.healthCheckPath: is required: the ALB's target group probes it/,
      ],
      [
        "blue/green on an internal service",
        "dev",
        (s) => (named(s, "worker").blueGreen = { enabled: true }),
        /environments\.dev\.services\.services\[2\]\.blueGreen\.enabled: true, but the service is internal/,
      ],
      [
        "request-count scaling on an internal service",
        "dev",
        (s) => (named(s, "worker").scaling = { minTasks: 1, maxTasks: 2, requestsPerTarget: 100 }),
        /environments\.dev\.services\.services\[2\]\.scaling\.requestsPerTarget: 100 cannot be tracked: an internal service has no target group/,
      ],
      [
        "a route to an internal service",
        "dev",
        (s) => s.routes.unshift({ service: "worker", paths: ["/jobs/*"] }),
        /environments\.dev\.services\.routes\[0\]\.service: "worker" is an internal service \(internal: true\), which takes no ALB route/,
      ],
      [
        "a database user without the database",
        "dev",
        (s) => (named(s, "web").databaseUser = "web"),
        /environments\.dev\.services\.services\[0\]\.databaseUser: "web" is set, but database is false/,
      ],
      [
        "a database user PostgreSQL cannot take unquoted",
        "dev",
        (s) => (api(s).databaseUser = "Api-User"),
        /environments\.dev\.services\.services\[1\]\.databaseUser: "Api-User" is not a usable database user/,
      ],
      [
        "the master user (or another reserved role) as a service's database user",
        "prod",
        (s) => (api(s).databaseUser = "postgres"),
        /environments\.prod\.services\.services\[1\]\.databaseUser: "postgres" is a role RDS or PostgreSQL reserve/,
      ],
      [
        "a deployment timeout shorter than the blue/green bake time allows",
        "prod",
        (s) => (named(s, "web").deploymentTimeoutMinutes = 15),
        /environments\.prod\.services\.services\[0\]\.deploymentTimeoutMinutes: 15 leaves no room for a deployment: allow at least 20 minutes \(bake time 10 \+ 10\)/,
      ],
      [
        "a global prefix that is not a path",
        "dev",
        (s) => (api(s).globalPrefix = "api/"),
        /environments\.dev\.services\.services\[1\]\.globalPrefix: "api\/" must be a path such as "\/api"/,
      ],
      [
        "a health check path outside the application's global prefix",
        "prod",
        (s) => (api(s).healthCheckPath = "/health"),
        /environments\.prod\.services\.services\[1\]\.healthCheckPath: "\/health" is outside the service's globalPrefix "\/api": the application serves "\/api\/health"/,
      ],
      [
        "a call to an unknown service",
        "dev",
        (s) => (named(s, "web").calls = ["billing"]),
        /environments\.dev\.services\.services\[0\]\.calls\[0\]: "billing" is not a service of this environment; known services: "web", "api", "worker"/,
      ],
      [
        "a service calling itself",
        "dev",
        (s) => (named(s, "web").calls = ["web"]),
        /environments\.dev\.services\.services\[0\]\.calls\[0\]: "web" is the service itself/,
      ],
      [
        "a call listed twice",
        "dev",
        (s) => (named(s, "web").calls = ["api", "api"]),
        /environments\.dev\.services\.services\[0\]\.calls\[1\]: "api" is listed twice/,
      ],
      [
        "a call to a service that listens on no port",
        "dev",
        (s) => (named(s, "web").calls = ["worker"]),
        /environments\.dev\.services\.services\[0\]\.calls\[0\]: "worker" listens on no port \(services\[2\]\.port\)/,
      ],
      [
        "an environment variable that calls sets",
        "dev",
        (s) => (named(s, "web").environment = { API_URL: "http://localhost" }),
        /environments\.dev\.services\.services\[0\]\.environment\.API_URL: "API_URL" is set by calls \(http:\/\/api:3001\)/,
      ],
      [
        "a scratch image tag in production",
        "prod",
        (s) => (api(s).imageTag = "dev-4f2a9c1"),
        /environments\.prod\.services\.services\[1\]\.imageTag: "dev-4f2a9c1" is a scratch tag \(prefix "dev-"\), which the repository lifecycle expires/,
      ],
      [
        "a scratch tag prefix that cannot start a tag",
        "dev",
        (s) => (s.repositories = { scratchTagPrefixes: ["dev-", "-x"] }),
        /environments\.dev\.services\.repositories\.scratchTagPrefixes\[1\]: "-x" is not the start of an image tag/,
      ],
      [
        "blue/green on the catch-all service that also owns other rules",
        "prod",
        (s) => (s.routes[1] = { service: "web", paths: ["/*", "/static/*"] }),
        /environments\.prod\.services\.services\[0\]\.blueGreen: is on, but "web" owns the catch-all and 1 more listener rule; ECS shifts exactly one rule, which must be the catch-all/,
      ],
      [
        "a container health check command without its form",
        "dev",
        (s) => (api(s).containerHealthCheck = { command: ["curl", "-f", "http://localhost/"] }),
        /environments\.dev\.services\.services\[1\]\.containerHealthCheck\.command\[0\]: "curl" must be "CMD" \(exec form\), "CMD-SHELL"/,
      ],
      [
        "a container health check that times out after the next one starts",
        "dev",
        (s) => (api(s).containerHealthCheck = { intervalSeconds: 10, timeoutSeconds: 10 }),
        /environments\.dev\.services\.services\[1\]\.containerHealthCheck\.timeoutSeconds: 10 must be shorter than intervalSeconds \(10\)/,
      ],
      [
        "more listener rules than an ALB allows once the test listener repeats them",
        "prod",
        (s) =>
          s.routes.unshift(
            ...Array.from({ length: 49 }, (_, i) => ({ service: "api", paths: [`/p${i}/*`] })),
          ),
        /environments\.prod\.services\.alb: needs 104 listener rules \(52 on the production listener, repeated on the blue\/green test listener\); an ALB allows 100/,
      ],
      [
        "a variable that database: true sets",
        "dev",
        (s) => (api(s).environment = { DATABASE_USER: "app" }),
        /environments\.dev\.services\.services\[1\]\.environment\.DATABASE_USER: "DATABASE_USER" is set by database: true/,
      ],
      [
        "a copied service block left with the original's name",
        "dev",
        (s) => s.services.push({ ...named(s, "web") }),
        /environments\.dev\.services\.services\[3\]\.name: "web" is already the name of services\[0\]; each service needs its own name/,
      ],
      [
        "duplicate path",
        "dev",
        (s) => s.routes.unshift({ service: "web", paths: ["/api/*"] }),
        /environments\.dev\.services\.routes\[1\]\.paths\[0\]: "\/api\/\*" is already routed by routes\[0\] \(service "web"\); each host and path combination may be routed once/,
      ],
      [
        "route to an unknown service",
        "dev",
        (s) => s.routes.unshift({ service: "admin", paths: ["/admin/*"] }),
        /environments\.dev\.services\.routes\[0\]\.service: "admin" is not a service of this environment; known services: "web", "api"/,
      ],
      [
        "two catch-alls",
        "dev",
        (s) => s.routes.push({ service: "api", paths: ["/*"] }),
        /environments\.dev\.services\.routes\[2\]\.paths\[0\]: "\/\*" is a second catch-all: routes\[1\] \(service "web"\) already receives every unmatched request/,
      ],
      [
        "neither image nor tag",
        "dev",
        (s) => delete api(s).imageTag,
        /environments\.dev\.services\.services\[1\]\.imageTag: is missing and so is image: give exactly one of imageTag .* or image/,
      ],
      [
        "root user",
        "dev",
        (s) => (api(s).user = "0:0"),
        /environments\.dev\.services\.services\[1\]\.user: "0:0" runs the container as root/,
      ],
      [
        "database injection without a database",
        "dev",
        (_s, e) => delete e.database,
        /environments\.dev\.services\.services\[1\]\.database: true, but this environment has no database/,
      ],
      [
        "internet egress without a NAT gateway",
        "dev",
        (s, e) => {
          Object.assign(e.network, { natGateways: "none", interfaceEndpoints: ENDPOINTS });
          api(s).internetEgress = true;
        },
        /environments\.dev\.services\.services\[1\]\.internetEgress: true, but natGateways is "none"/,
      ],
      [
        "secrets without the Secrets Manager endpoint and no NAT",
        "dev",
        (_s, e) =>
          Object.assign(e.network, {
            natGateways: "none",
            interfaceEndpoints: ENDPOINTS.filter((x) => x !== "secretsmanager"),
          }),
        /environments\.dev\.services\.services\[1\]\.secrets: need the secretsmanager interface endpoint when natGateways is "none"/,
      ],
      [
        "a service no route reaches",
        "dev",
        (s) => s.services.push({ ...named(s, "web"), name: "reporting" }),
        /environments\.dev\.services\.services\[3\]: has no route; ECS cannot register a target group that no listener uses. Add a route, or set internal: true/,
      ],
      [
        "blue/green on a service that needs several listener rules",
        "prod",
        (s) => (api(s).blueGreen = { enabled: true }),
        /environments\.prod\.services\.services\[1\]\.blueGreen: is on, but the routes of "api" need 2 listener rules and ECS shifts exactly one/,
      ],
      [
        "test listener open to the internet",
        "prod",
        (s) => (s.alb.testListenerCidrs = ["0.0.0.0/0"]),
        /environments\.prod\.services\.alb\.testListenerCidrs\[0\]: "0\.0\.0\.0\/0" would publish untested releases/,
      ],
      [
        "test listener on the production port",
        "prod",
        (s) => (s.alb.testListenerPort = 443),
        /environments\.prod\.services\.alb\.testListenerPort: 443 must be a TCP port other than 80 and 443/,
      ],
      [
        "hosted zone id malformed",
        "prod",
        (s) =>
          (s.alb.listener = {
            protocol: "https",
            domain: "app.example.com",
            hostedZoneId: "example.com",
          }),
        /environments\.prod\.services\.alb\.listener\.hostedZoneId: "example\.com" is not a Route 53 hosted zone id/,
      ],
      [
        "certificate that is not an ACM ARN",
        "prod",
        (s) =>
          (s.alb.listener = {
            protocol: "https",
            certificateArn: "arn:aws:iam::222222222222:server-certificate/app",
          }),
        /environments\.prod\.services\.alb\.listener\.certificateArn: "arn:aws:iam::222222222222:server-certificate\/app" is not an ACM certificate ARN/,
      ],
      [
        "plain HTTP without a reason",
        "dev",
        (s) => (s.alb.listener = { protocol: "http", reason: "" }),
        /environments\.dev\.services\.alb\.listener\.reason: got "": say why this environment serves plain HTTP/,
      ],
      [
        "health check path without a slash",
        "prod",
        (s) => (api(s).healthCheckPath = "health"),
        /environments\.prod\.services\.services\[1\]\.healthCheckPath: "health" must start with "\/"/,
      ],
      [
        "more tasks at minimum than at maximum",
        "prod",
        (s) => (api(s).scaling = { minTasks: 5, maxTasks: 2 }),
        /environments\.prod\.services\.services\[1\]\.scaling\.minTasks: 5 is above maxTasks \(2\)/,
      ],
      [
        "task permission of everything on everything",
        "prod",
        (s) => (api(s).taskPermissions = [{ actions: ["*"], resources: ["*"] }]),
        /environments\.prod\.services\.services\[1\]\.taskPermissions\[0\]: grants "\*" on "\*"; name the resources or the actions/,
      ],
    ];

  it.each(cases)("%s", (_name, env, edit, message) => {
    expect(failure(env, edit)).toMatch(message);
  });
});
