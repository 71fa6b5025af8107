import { Construct } from "constructs";
import { Ec2TransitGatewayVpcAttachment } from "@cdktf/provider-aws/lib/ec2-transit-gateway-vpc-attachment";
import { Route } from "@cdktf/provider-aws/lib/route";
import type { Names } from "../../lib/names";
import type { ExternalNetwork } from "./external-networks";

export interface ExternalRoutesProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** The VPC. */
  readonly vpcId: string;
  /** Private subnets, one per AZ: the transit gateway attachment's interfaces. */
  readonly privateSubnetIds: readonly string[];
  /** Private route tables, one per AZ: they get the routes. */
  readonly privateRouteTableIds: readonly string[];
  /** The validated external networks. */
  readonly networks: readonly ExternalNetwork[];
}

/**
 * Routes from the private tier to networks outside the VPC. Public and isolated tiers get none:
 * the isolated tier never leaves the VPC, and nothing in the public tier talks to these networks.
 */
export class ExternalRoutes extends Construct {
  /** The transit gateway attachments, by transit gateway id. */
  readonly attachments: ReadonlyMap<string, Ec2TransitGatewayVpcAttachment>;

  constructor(scope: Construct, id: string, props: ExternalRoutesProps) {
    super(scope, id);
    const attachments = new Map<string, Ec2TransitGatewayVpcAttachment>();
    for (const n of props.networks) {
      const tgw = n.transitGatewayId;
      if (tgw === undefined || attachments.has(tgw)) continue;
      // A VPC attaches once per transit gateway; the first network naming it names the id.
      attachments.set(
        tgw,
        new Ec2TransitGatewayVpcAttachment(this, `tgw-${n.name}`, {
          transitGatewayId: tgw,
          vpcId: props.vpcId,
          subnetIds: [...props.privateSubnetIds],
          dnsSupport: "enable",
          tags: props.names.nameTag(["tgw", n.name]),
        }),
      );
    }
    this.attachments = attachments;
    for (const n of props.networks) {
      const attachment =
        n.transitGatewayId === undefined ? undefined : attachments.get(n.transitGatewayId);
      props.privateRouteTableIds.forEach((routeTableId, az) => {
        n.cidrs.forEach((cidr, j) => {
          new Route(this, `private-${az}-${n.name}-${j}`, {
            routeTableId,
            destinationCidrBlock: cidr,
            transitGatewayId: n.transitGatewayId,
            vpcPeeringConnectionId: n.peeringConnectionId,
            // The route is rejected until the attachment exists.
            dependsOn: attachment === undefined ? undefined : [attachment],
          });
        });
      });
    }
  }
}
