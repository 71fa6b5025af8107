import { Construct } from "constructs";
import { DataAwsSsmParameter } from "@cdktf/provider-aws/lib/data-aws-ssm-parameter";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import type { Names } from "../../lib/names";
import type { InstanceRole } from "./instance-role";
import type { AgentPlacement } from "./placement";
import type { DcvAgentInstanceSettings, DcvAgentSettings } from "./settings";

export interface DcvAgentInstancesProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** Every configured agent; only those with `instance` get one. */
  readonly agents: readonly DcvAgentSettings[];
  /** Private subnets, one per AZ. */
  readonly subnetIds: readonly string[];
  /** The agents' security group (8443 from the gateways only). */
  readonly securityGroupId: string;
  /** Role and instance profile (SSM Session Manager). */
  readonly role: InstanceRole;
  /** Subnet and fixed address of every created agent (placeAgents). */
  readonly placements: Readonly<Record<string, AgentPlacement>>;
  /** Terraform refuses to destroy desktops (production). */
  readonly preventDestroy: boolean;
}

/** DCV server instances the stack creates, for agents configured with `instance`. */
export class DcvAgentInstances extends Construct {
  /** The instance of each agent that has one, by agent name. */
  readonly instances: Readonly<Record<string, Instance>>;

  constructor(scope: Construct, id: string, props: DcvAgentInstancesProps) {
    super(scope, id);
    const instances: Record<string, Instance> = {};
    const amis = new Map<string, DataAwsSsmParameter>();
    props.agents.forEach((agent) => {
      if (agent.instance === undefined) return;
      const placement = props.placements[agent.name];
      const spec = agent.instance;
      const image = this.imageOf(spec, amis);
      instances[agent.name] = new Instance(this, agent.name, {
        ami: image,
        instanceType: spec.instanceType,
        subnetId: props.subnetIds[placement.subnetIndex],
        privateIp: placement.privateIp,
        vpcSecurityGroupIds: [props.securityGroupId],
        associatePublicIpAddress: false,
        iamInstanceProfile: props.role.profile.name,
        metadataOptions: {
          httpEndpoint: "enabled",
          httpTokens: "required",
          httpPutResponseHopLimit: 1,
        },
        rootBlockDevice: {
          volumeSize: spec.rootVolumeGb,
          volumeType: "gp3",
          encrypted: true,
          deleteOnTermination: true,
        },
        monitoring: true,
        tags: props.names.nameTag(["dcv-agent", agent.name]),
        volumeTags: props.names.nameTag(["dcv-agent", agent.name]),
        // A newer AMI must never replace a desktop someone is working on.
        lifecycle: { ignoreChanges: ["ami"], preventDestroy: props.preventDestroy },
      });
    });
    this.instances = instances;
  }

  /** The AMI id: fixed, or read from its SSM parameter (one data source per parameter). */
  private imageOf(spec: DcvAgentInstanceSettings, amis: Map<string, DataAwsSsmParameter>): string {
    if (spec.amiId !== undefined) return spec.amiId;
    const name = spec.amiParameter ?? "";
    let ami = amis.get(name);
    if (ami === undefined) {
      ami = new DataAwsSsmParameter(this, `ami-${amis.size}`, { name });
      amis.set(name, ami);
    }
    return ami.value;
  }
}
