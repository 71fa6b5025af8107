import type { DcvAgentTarget, DcvPathRoute } from "./nginx-config";

/**
 * Settings of the DCV gateway stack. config/dcv-schema.ts produces exactly this shape (checked
 * at compile time). Fields shared with the nginx generator keep its names and defaults.
 */
export interface DcvAgentInstanceSettings {
  /** EC2 instance type of the DCV server. */
  readonly instanceType: string;
  /**
   * SSM parameter holding the AMI id (a DCV-ready image), read at plan time; exactly one of
   * amiParameter and amiId. Later AMI updates never replace a running desktop.
   * @default none
   */
  readonly amiParameter?: string;
  /**
   * A fixed AMI id; exactly one of amiParameter and amiId.
   * @default none
   */
  readonly amiId?: string;
  /**
   * Encrypted gp3 root volume size, GiB.
   * @default 50
   */
  readonly rootVolumeGb: number;
  /**
   * Fixed private address inside one of the private subnets.
   * @default counted down from the top of the subnet the agent is placed in
   */
  readonly privateIp?: string;
}

/**
 * An agent: the nginx target settings (name, port, weight, backup, drain, max_fails,
 * fail_timeout, documented on DcvAgentTarget), with the address either given or created.
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
  /**
   * Gateway instance type.
   * @default "t3.small"
   */
  readonly instanceType: string;
  /**
   * CPU architecture of the instance type (selects the Amazon Linux 2023 AMI).
   * @default "x86_64"
   */
  readonly architecture: "x86_64" | "arm64";
  /**
   * Fewest gateways, at least 2 (one per AZ keeps the service up through an AZ loss).
   * @default 2
   */
  readonly minSize: number;
  /**
   * Most gateways (during an instance refresh one extra may run).
   * @default 4
   */
  readonly maxSize: number;
  /**
   * Encrypted gp3 root volume, GiB.
   * @default 8
   */
  readonly rootVolumeGb: number;
  /**
   * Secrets Manager secret with `{"certificate": "<PEM chain>", "privateKey": "<PEM>"}` for the
   * gateway's TLS listener.
   * @default none: each gateway makes a self-signed certificate at boot
   */
  readonly tlsSecretArn?: string;
}

export interface DcvEndpointServiceSettings {
  /** Principals (account root, role or user ARNs) allowed to create endpoints; never "*". */
  readonly allowedPrincipals: readonly string[];
  /**
   * Every endpoint connection waits for the provider's acceptance.
   * @default true
   */
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
  /** DCV servers behind the gateway. */
  readonly agents: readonly DcvAgentSettings[];
  /** @default [] */
  readonly pathRoutes: readonly DcvPathRoute[];
  /** Port clients connect to (NLB listener and gateway). @default 8443 */
  readonly listenPort: number;
  /** Plain-HTTP health port of the gateway, for the NLB. @default 8081 */
  readonly healthPort: number;
  /** NLB sends PROXY protocol v2 so the gateway sees real client addresses. @default true */
  readonly proxyProtocol: boolean;
  /** Session affinity on the real client address, or none. @default "client-ip" */
  readonly affinity: "client-ip" | "none";
  /** Idle seconds before a session connection is closed. @default 3600 */
  readonly readTimeoutSeconds: number;
  /** @default 3600 */
  readonly sendTimeoutSeconds: number;
  /** Verify the agents' certificates (DCV's own are self-signed). @default false */
  readonly verifyAgentTls: boolean;
  /** CA bundle on the gateway for verifyAgentTls. @default none */
  readonly agentCaPath?: string;
  /** Gateway fleet. */
  readonly gateway: DcvGatewayFleetSettings;
  /**
   * ACM certificate ARN: the NLB then terminates TLS on the listener (and re-encrypts to the
   * gateways) instead of passing TCP through.
   * @default none (TCP passthrough)
   */
  readonly listenerCertificateArn?: string;
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
