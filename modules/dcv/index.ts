import { Construct } from "constructs";
import { DataAwsPrefixList } from "@cdktf/provider-aws/lib/data-aws-prefix-list";
import { apiEgress, DCV_API_ENDPOINTS, type ApiRoutes } from "../../lib/api-egress";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { partitionOf } from "../../lib/arn";
import type { Names } from "../../lib/names";
import { allowIn, allowOut } from "../../lib/sg-rules";
import { assertNoIssues } from "../../lib/validation";
import { DcvAgentInstances } from "./agents";
import { DcvAlarms } from "./alarms";
import { GatewayFleet } from "./gateway-fleet";
import { InstanceRole, type InstanceGrant } from "./instance-role";
import { NGINX_GATEWAY_DEFAULTS, renderCheckedNginxConfig } from "./nginx-gateway";
import type { AgentPlacement } from "./placement";
import { DcvPrivateLink } from "./privatelink";
import type { DcvSettings } from "./settings";
import { gatewayCloudConfig } from "./user-data";
import { checkDcv, nginxConfigFor } from "./validate";
import type { GatewayTlsSource } from "./user-data";

export type * from "./settings";

export interface DcvGatewayProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** Account of the stack; added to the service's principals when the consumer is "self". */
  readonly account: string;
  /** Region of the stack. */
  readonly region: string;
  /** VPC of the NLB, gateways and created agents. */
  readonly vpcId: string;
  /** VPC CIDR: in-VPC clients may reach the NLB listener. */
  readonly vpcCidr: string;
  /** Private subnets, one per AZ. */
  readonly privateSubnetIds: readonly string[];
  /**
   * Private subnet CIDRs (known at synth): the NLB's addresses, the only senders of PROXY
   * headers the gateway trusts.
   */
  readonly privateSubnetCidrs: readonly string[];
  /**
   * Destinations outside the VPC that the private subnets route to; existing agents must be in
   * the private subnets or in one of these.
   * @default []
   */
  readonly externalCidrs?: readonly string[];
  /** Security group of the VPC's interface endpoints (SSM, Secrets Manager...). */
  readonly endpointSecurityGroupId: string;
  /**
   * The VPC's interface endpoints and NAT: APIs without an endpoint are reached through the NAT.
   * @default every API through an interface endpoint, no NAT egress
   */
  readonly apiRoutes?: ApiRoutes;
  /** The DCV settings. */
  readonly settings: DcvSettings;
  /**
   * Where each created agent lives, from an already validated configuration
   * (config/semantic-rules.ts ran every DCV rule while placing them); the construct then
   * neither checks nor places again.
   * @default checked and placed here (dcvIssues, placeAgents)
   */
  readonly placements?: Readonly<Record<string, AgentPlacement>>;
  /**
   * Production: NLB deletion protection, prevent_destroy on created agents.
   * @default false
   */
  readonly production?: boolean;
  /**
   * Prefix for validation errors.
   * @default the construct path
   */
  readonly configPath?: string;
}

/**
 * The DCV remote-desktop entry point: an internal NLB published as a PrivateLink endpoint
 * service, an Auto Scaling group of nginx gateways whose configuration is generated from the
 * agent list, optional DCV agent instances, optional consumer endpoint, and alarms.
 * Reachability is exact: clients -> NLB -> gateways:listen/health -> agents:port.
 */
export class DcvGateway extends Construct {
  readonly privateLink: DcvPrivateLink;
  readonly fleet: GatewayFleet;
  /** Agent instances this stack creates (none when every agent is an existing address). */
  readonly agents?: DcvAgentInstances;
  readonly alarms: DcvAlarms;
  readonly nlbSecurityGroup: SecurityGroup;
  readonly gatewaySecurityGroup: SecurityGroup;
  readonly agentSecurityGroup?: SecurityGroup;
  readonly consumerSecurityGroup?: SecurityGroup;
  /** The generated nginx.conf. */
  readonly nginxConfig: string;
  /** The cloud-init document of the gateways. */
  readonly userData: string;
  /** The secret holding the environment's self-signed certificate ("self-signed" TLS only). */
  readonly selfSignedSecret?: SecretsmanagerSecret;

  constructor(scope: Construct, id: string, props: DcvGatewayProps) {
    super(scope, id);
    const s = props.settings;
    const root = props.configPath ?? this.node.path;
    const checked =
      props.placements === undefined
        ? checkDcv(
            s,
            {
              vpcCidr: props.vpcCidr,
              privateSubnetCidrs: props.privateSubnetCidrs,
              externalCidrs: props.externalCidrs ?? [],
            },
            { production: props.production ?? false },
          )
        : undefined;
    assertNoIssues(root, checked?.issues ?? []);
    const placements = props.placements ?? checked?.placements;
    if (placements === undefined) throw new Error("unreachable: valid agents have a placement");
    const { names } = props;
    const partition = partitionOf(props.region);
    const production = props.production ?? false;

    const sg = (sgId: string, purpose: string, description: string) =>
      new SecurityGroup(this, sgId, {
        namePrefix: `${names.physical(purpose, { maxLength: 200 })}-`,
        description,
        vpcId: props.vpcId,
        tags: names.nameTag(purpose),
        lifecycle: { createBeforeDestroy: true },
      });
    this.nlbSecurityGroup = sg("nlb-sg", "dcv-nlb", "DCV NLB: clients in, gateways out");
    this.gatewaySecurityGroup = sg(
      "gateway-sg",
      "dcv-gateway",
      "DCV gateways: NLB in, agents and AWS APIs out",
    );
    const createdAgents = s.agents.filter((a) => a.instance !== undefined);
    this.agentSecurityGroup =
      createdAgents.length > 0
        ? sg("agent-sg", "dcv-agent", "DCV agents: gateways in, AWS APIs out")
        : undefined;
    this.consumerSecurityGroup =
      s.consumer === undefined
        ? undefined
        : sg("consumer-sg", "dcv-consumer", "DCV endpoint: client CIDRs only");

    const nlb = this.nlbSecurityGroup.id;
    const gw = this.gatewaySecurityGroup.id;
    allowIn(this, "nlb-in-vpc", {
      securityGroupId: nlb,
      peer: { cidr: props.vpcCidr },
      port: s.listenPort,
      description: "DCV clients inside the VPC",
    });
    for (const [port, what] of [
      [s.listenPort, "DCV traffic"],
      [s.healthPort, "health checks"],
    ] as const) {
      allowOut(this, `nlb-to-gateway-${port}`, {
        securityGroupId: nlb,
        peer: { securityGroupId: gw },
        port,
        description: `${what} to the gateways`,
      });
      allowIn(this, `gateway-from-nlb-${port}`, {
        securityGroupId: gw,
        peer: { securityGroupId: nlb },
        port,
        description: `${what} from the NLB`,
      });
    }

    // AWS APIs: interface endpoints, and S3 (AL2023 repositories) through the gateway endpoint.
    const s3 = new DataAwsPrefixList(this, "s3-prefix-list", {
      name: `com.amazonaws.${props.region}.s3`,
    });
    const egress =
      props.apiRoutes === undefined
        ? { viaEndpoints: true, viaNat: false }
        : apiEgress(DCV_API_ENDPOINTS, props.apiRoutes.interfaceEndpoints, props.apiRoutes.hasNat);
    const apis = (group: string, groupId: string) => {
      if (egress.viaEndpoints) {
        allowOut(this, `${group}-to-endpoints`, {
          securityGroupId: groupId,
          peer: { securityGroupId: props.endpointSecurityGroupId },
          port: 443,
          description: "AWS APIs via interface endpoints",
        });
      }
      if (egress.viaNat) {
        allowOut(this, `${group}-to-aws-apis`, {
          securityGroupId: groupId,
          peer: { cidr: "0.0.0.0/0" },
          port: 443,
          description: "AWS APIs without an interface endpoint, through the NAT gateway",
        });
      }
      allowOut(this, `${group}-to-s3`, {
        securityGroupId: groupId,
        peer: { prefixListId: s3.id },
        port: 443,
        description: "S3 (package repositories)",
      });
    };
    apis("gateway", gw);

    const agentPorts = [
      ...new Set(createdAgents.map((a) => a.port ?? NGINX_GATEWAY_DEFAULTS.agentPort)),
    ];
    if (this.agentSecurityGroup !== undefined) {
      const ag = this.agentSecurityGroup.id;
      for (const port of agentPorts) {
        allowOut(this, `gateway-to-agents-${port}`, {
          securityGroupId: gw,
          peer: { securityGroupId: ag },
          port,
          description: "DCV to created agents",
        });
        allowIn(this, `agent-from-gateway-${port}`, {
          securityGroupId: ag,
          peer: { securityGroupId: gw },
          port,
          description: "DCV from the gateways",
        });
      }
      apis("agent", ag);
    }
    s.agents.forEach((agent) => {
      if (agent.address === undefined) return;
      const port = agent.port ?? NGINX_GATEWAY_DEFAULTS.agentPort;
      allowOut(this, `gateway-to-${agent.name}`, {
        securityGroupId: gw,
        peer: { cidr: `${agent.address}/32` },
        port,
        description: `DCV to agent ${agent.name}`,
      });
    });
    if (this.consumerSecurityGroup !== undefined && s.consumer !== undefined) {
      const cs = this.consumerSecurityGroup.id;
      s.consumer.clientCidrs.forEach((cidr, i) => {
        allowIn(this, `consumer-from-client-${i}`, {
          securityGroupId: cs,
          peer: { cidr },
          port: s.listenPort,
          description: `DCV clients ${cidr}`,
        });
      });
    }

    if (this.agentSecurityGroup !== undefined) {
      this.agents = new DcvAgentInstances(this, "agents", {
        names,
        agents: s.agents,
        subnetIds: props.privateSubnetIds,
        securityGroupId: this.agentSecurityGroup.id,
        role: new InstanceRole(this, "agent-role", {
          names,
          purpose: "dcv-agent",
          partition,
          // DCV servers on EC2 need no licence server: they check this bucket instead.
          grants: [
            {
              sid: "DcvLicence",
              actions: ["s3:GetObject"],
              resources: [`arn:${partition}:s3:::dcv-license.${props.region}/*`],
            },
          ],
        }),
        placements,
        preventDestroy: production,
      });
    }
    const addresses = s.agents.map((a) => a.address ?? placements[a.name].privateIp);
    const nginx = nginxConfigFor(s, addresses, props.privateSubnetCidrs);
    // checkDcv ran the nginx rules on these same addresses, here or while loading the config.
    this.nginxConfig = renderCheckedNginxConfig(nginx);
    const tls = s.gateway.tls;
    const tlsGrants: InstanceGrant[] = [];
    let secretId: string;
    if (tls.source === "secret") {
      secretId = tls.secretArn;
      tlsGrants.push({
        sid: "ReadCertificate",
        actions: ["secretsmanager:GetSecretValue"],
        resources: [tls.secretArn],
      });
      if (tls.kmsKeyArn !== undefined) {
        tlsGrants.push({
          sid: "DecryptCertificate",
          actions: ["kms:Decrypt"],
          resources: [tls.kmsKeyArn],
        });
      }
    } else {
      // Named, not referenced by ARN, so the user data stays plain text known at synth.
      secretId = names.physical("dcv-gateway-tls", { maxLength: 512 });
      this.selfSignedSecret = new SecretsmanagerSecret(this, "self-signed-tls", {
        name: secretId,
        description: `Self-signed certificate shared by the DCV gateways (${tls.reason})`,
        // Nothing of value is lost with it: a new one is generated at the next boot.
        recoveryWindowInDays: production ? 7 : 0,
        tags: names.nameTag("dcv-gateway-tls"),
      });
      tlsGrants.push({
        sid: "ShareCertificate",
        actions: ["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"],
        resources: [this.selfSignedSecret.arn],
      });
    }
    const tlsSource: GatewayTlsSource = {
      region: props.region,
      secretId,
      generateIfEmpty: tls.source === "self-signed",
      commonName: names.physical("dcv-gateway", { maxLength: 64 }),
      certificatePath: NGINX_GATEWAY_DEFAULTS.paths.certificate,
      keyPath: NGINX_GATEWAY_DEFAULTS.paths.certificateKey,
    };
    this.userData = gatewayCloudConfig({ nginxConfig: this.nginxConfig, tls: tlsSource });

    const consumerSelf = s.consumer?.vpcId === "self";
    const principals = [
      ...s.endpointService.allowedPrincipals,
      ...(consumerSelf ? [`arn:${partition}:iam::${props.account}:root`] : []),
    ];
    this.privateLink = new DcvPrivateLink(this, "privatelink", {
      names,
      vpcId: props.vpcId,
      subnetIds: props.privateSubnetIds,
      securityGroupId: nlb,
      listenPort: s.listenPort,
      healthPort: s.healthPort,
      proxyProtocol: s.proxyProtocol,
      idleTimeoutSeconds: s.nlbIdleTimeoutSeconds,
      endpointService: { ...s.endpointService, allowedPrincipals: [...new Set(principals)] },
      deletionProtection: production,
      consumer:
        s.consumer === undefined || this.consumerSecurityGroup === undefined
          ? undefined
          : {
              settings: s.consumer,
              vpcId: consumerSelf ? props.vpcId : s.consumer.vpcId,
              subnetIds: consumerSelf ? props.privateSubnetIds : (s.consumer.subnetIds ?? []),
              securityGroupId: this.consumerSecurityGroup.id,
              accept: s.endpointService.acceptanceRequired,
            },
    });

    const gatewayRole = new InstanceRole(this, "gateway-role", {
      names,
      purpose: "dcv-gateway",
      partition,
      grants: tlsGrants,
    });
    this.fleet = new GatewayFleet(this, "fleet", {
      names,
      settings: s.gateway,
      subnetIds: props.privateSubnetIds,
      securityGroupId: gw,
      role: gatewayRole,
      userData: this.userData,
      targetGroupArn: this.privateLink.targetGroup.arn,
      dependsOn: [
        ...(gatewayRole.grantsPolicy === undefined ? [] : [gatewayRole.grantsPolicy]),
        ...(this.selfSignedSecret === undefined ? [] : [this.selfSignedSecret]),
      ],
    });

    this.alarms = new DcvAlarms(this, "alarms", {
      names,
      loadBalancerArnSuffix: this.privateLink.loadBalancer.arnSuffix,
      targetGroupArnSuffix: this.privateLink.targetGroup.arnSuffix,
      autoScalingGroupName: this.fleet.group.name,
      minGateways: s.gateway.minSize,
      topicArn: s.alarmTopicArn,
    });
  }
}
