import type { DcvAgentTarget, DcvAffinity } from "./nginx-config";

/**
 * Settings of the DCV gateway stack. config/dcv-schema.ts produces exactly this shape (checked
 * at compile time). Fields shared with the nginx generator keep its names and defaults.
 */
export interface DcvAgentInstanceSettings {
  /** EC2 instance type of the DCV server. */
  readonly instanceType: string;
  /**
   * SSM parameter holding the AMI id (a DCV-ready image), read at plan time; exactly one of
   * amiParameter and amiId. It must exist before the first plan (docs/dcv.md, bootstrap
   * order). Later AMI updates never replace a running desktop.
   * @default none
   */
  readonly amiParameter?: string;
  /**
   * A fixed AMI id; exactly one of amiParameter and amiId.
   * @default none
   */
  readonly amiId?: string;
  /** Encrypted gp3 root volume size, GiB. */
  readonly rootVolumeGb: number;
  /**
   * Fixed private address inside one of the private subnets.
   * @default counted down from the top of the subnet the agent is placed in
   */
  readonly privateIp?: string;
}

/**
 * An agent: the nginx target settings (name, webUrlPath, port, weight, backup, drain,
 * max_fails, fail_timeout, documented on DcvAgentTarget), with the address either given or
 * created.
 */
export interface DcvAgentSettings extends Omit<DcvAgentTarget, "address"> {
  /**
   * IPv4 address of an existing DCV server; exactly one of address and instance.
   * @default none
   */
  readonly address?: string;
  /**
   * A DCV server instance this stack creates; exactly one of address and instance.
   * @default none
   */
  readonly instance?: DcvAgentInstanceSettings;
}

export interface DcvGatewayFleetSettings {
  /** Gateway instance type. */
  readonly instanceType: string;
  /** CPU architecture of the instance type (selects the Amazon Linux 2023 AMI). */
  readonly architecture: "x86_64" | "arm64";
  /** Fewest gateways, at least 2 (one per AZ keeps the service up through an AZ loss). */
  readonly minSize: number;
  /** Most gateways (during an instance refresh one extra may run). */
  readonly maxSize: number;
  /** Encrypted gp3 root volume, GiB. */
  readonly rootVolumeGb: number;
  /** The one certificate every gateway of the fleet presents. */
  readonly tls: DcvGatewayTls;
}

/**
 * Where the fleet's certificate comes from. Every gateway must present the same one: the NLB
 * spreads one browser's connections over all gateways. (TLS on the NLB is not offered: an NLB
 * TLS listener's idle timeout is fixed at 350 s, which cuts idle desktop sessions.)
 */
export type DcvGatewayTls = DcvSecretTls | DcvSelfSignedTls;

/** A certificate someone issued (internal CA, ACM exportable...), kept in Secrets Manager. */
export interface DcvSecretTls {
  /** Kind of certificate source. */
  readonly source: "secret";
  /** Secret ARN; its value is `{"certificate": "<PEM chain>", "privateKey": "<PEM>"}`. */
  readonly secretArn: string;
  /**
   * Customer KMS key the secret is encrypted with (the gateways get kms:Decrypt on it).
   * @default none (the account's aws/secretsmanager key)
   */
  readonly kmsKeyArn?: string;
}

/**
 * A self-signed certificate made once per environment: the first gateway to boot generates
 * it and stores it in a secret this stack creates (Secrets Manager keeps only the first
 * offer); every gateway then installs the stored one. Clients must trust or pin it.
 */
export interface DcvSelfSignedTls {
  /** Kind of certificate source. */
  readonly source: "self-signed";
  /** Why no issued certificate is used here (at least 10 characters). */
  readonly reason: string;
}

export interface DcvEndpointServiceSettings {
  /** Principals (account root, role or user ARNs) allowed to create endpoints; never "*". */
  readonly allowedPrincipals: readonly string[];
  /** Every endpoint connection waits for the provider's acceptance. */
  readonly acceptanceRequired: boolean;
  /**
   * Private DNS name consumers may use (its domain must be verified).
   * @default none
   */
  readonly privateDnsName?: string;
}

export interface DcvConsumerSettings {
  /** `"self"` for this environment's VPC (private subnets), or a VPC id (`vpc-...`). */
  readonly vpcId: string;
  /**
   * Subnets for the endpoint's interfaces; required with a VPC id.
   * @default the environment's private subnets (with "self")
   */
  readonly subnetIds?: readonly string[];
  /** The only CIDRs allowed to reach the endpoint on the listener port. */
  readonly clientCidrs: readonly string[];
}

export interface DcvSettings {
  /** DCV servers behind the gateway; each in the pool or behind its own webUrlPath. */
  readonly agents: readonly DcvAgentSettings[];
  /** Port clients connect to (NLB listener and gateway). */
  readonly listenPort: number;
  /** Plain-HTTP health port of the gateway, for the NLB. */
  readonly healthPort: number;
  /** NLB sends PROXY protocol v2 so the gateway sees real client addresses. */
  readonly proxyProtocol: boolean;
  /** How the pool keeps a user on one agent (see DcvAffinity). */
  readonly affinity: DcvAffinity;
  /**
   * Idle seconds before the NLB's TCP listener drops a connection, 60..6000 (AWS's own
   * default of 350 cuts idle desktops).
   */
  readonly nlbIdleTimeoutSeconds: number;
  /** Idle seconds before nginx closes a session connection; at most nlbIdleTimeoutSeconds. */
  readonly readTimeoutSeconds: number;
  /** Seconds a write to an agent may stall; at most nlbIdleTimeoutSeconds. */
  readonly sendTimeoutSeconds: number;
  /** Verify the agents' certificates (DCV's own are self-signed). */
  readonly verifyAgentTls: boolean;
  /** CA bundle on the gateway for verifyAgentTls. @default none */
  readonly agentCaPath?: string;
  /** Gateway fleet. */
  readonly gateway: DcvGatewayFleetSettings;
  /** The PrivateLink endpoint service. */
  readonly endpointService: DcvEndpointServiceSettings;
  /**
   * An interface endpoint to the service for clients.
   * @default none
   */
  readonly consumer?: DcvConsumerSettings;
  /**
   * SNS topic the alarms notify.
   * @default none (alarms without actions)
   */
  readonly alarmTopicArn?: string;
}
