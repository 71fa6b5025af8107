import { z } from "zod";
import { NGINX_GATEWAY_DEFAULTS as NGINX } from "../modules/dcv/nginx-config";
import { AFFINITIES } from "../modules/dcv/nginx-validate";
import type { DcvSettings } from "../modules/dcv/settings";

const tls = z.discriminatedUnion("source", [
  z.strictObject({
    source: z.literal("secret"),
    secretArn: z.string(),
    kmsKeyArn: z.string().optional(),
  }),
  z.strictObject({ source: z.literal("self-signed"), reason: z.string() }),
]);

/*
 * Shape and defaults of `environments.<env>.dcv`. Settings shared with the nginx generator take
 * its defaults (NGINX_GATEWAY_DEFAULTS), so each is written once. The rules across fields (agents, routes,
 * ports, principals) live in modules/dcv/validate.ts, shared with the construct; meanings and
 * defaults are documented on modules/dcv/settings.ts.
 */
const agent = z.strictObject({
  name: z.string(),
  address: z.string().optional(),
  webUrlPath: z.string().default(NGINX.webUrlPath),
  instance: z
    .strictObject({
      instanceType: z.string(),
      amiParameter: z.string().optional(),
      amiId: z
        .string()
        .regex(/^ami-[0-9a-f]{8,17}$/, "must be an AMI id such as ami-0123456789abcdef0")
        .optional(),
      rootVolumeGb: z.number().int().min(8).max(16384).default(50),
      privateIp: z.string().optional(),
    })
    .optional(),
  port: z.number().int().optional(),
  weight: z.number().int().optional(),
  backup: z.boolean().optional(),
  drain: z.boolean().optional(),
  maxFails: z.number().int().optional(),
  failTimeoutSeconds: z.number().int().optional(),
});

export const DcvSchema = z.strictObject({
  agents: z.array(agent).min(1),
  // Replaced by webUrlPath on each agent; kept only to say so instead of "unrecognized key".
  pathRoutes: z
    .undefined({
      error:
        'is gone: a DCV server serves one web-url-path, so an agent is either in the pool or behind its own prefix; set webUrlPath on each agent ("/" for the pool, "/agent1/" for a prefix)',
    })
    .optional(),
  listenPort: z.number().int().default(NGINX.listenPort),
  healthPort: z.number().int().default(NGINX.healthPort),
  proxyProtocol: z.boolean().default(NGINX.proxyProtocol),
  affinity: z.enum(AFFINITIES).default(NGINX.affinity),
  // The NLB keeps an idle connection as long as nginx does, so neither cuts the other short.
  nlbIdleTimeoutSeconds: z.number().int().default(NGINX.readTimeoutSeconds),
  readTimeoutSeconds: z.number().int().default(NGINX.readTimeoutSeconds),
  sendTimeoutSeconds: z.number().int().default(NGINX.sendTimeoutSeconds),
  verifyAgentTls: z.boolean().default(NGINX.verifyAgentTls),
  agentCaPath: z.string().optional(),
  // Required: the fleet's one certificate has no safe default.
  gateway: z.strictObject({
    instanceType: z.string().default("t3.small"),
    architecture: z.enum(["x86_64", "arm64"]).default("x86_64"),
    minSize: z.number().int().default(2),
    maxSize: z.number().int().default(4),
    rootVolumeGb: z.number().int().min(8).max(16384).default(8),
    tls,
  }),
  endpointService: z.strictObject({
    allowedPrincipals: z.array(z.string()).default([]),
    acceptanceRequired: z.boolean().default(true),
    privateDnsName: z.string().optional(),
  }),
  consumer: z
    .strictObject({
      vpcId: z.string(),
      subnetIds: z.array(z.string()).optional(),
      clientCidrs: z.array(z.string()).min(1),
    })
    .optional(),
  alarmTopicArn: z.string().startsWith("arn:", "must be an SNS topic ARN").optional(),
});

// What the schema produces must be what the module consumes.
type Assignable<A, B> = [A] extends [B] ? true : false;
export const dcvSchemaMatchesSettings: Assignable<z.output<typeof DcvSchema>, DcvSettings> = true;
