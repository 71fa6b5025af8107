import { Construct } from "constructs";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { serviceRole } from "../../lib/iam";
import type { Names } from "../../lib/names";

export interface InstanceRoleProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** Purpose, part of the role name (e.g. `dcv-gateway`). */
  readonly purpose: string;
  /** ARN partition, e.g. `aws`. */
  readonly partition: string;
  /**
   * Everything else the instance may do, one allow statement each (read a secret, fetch the
   * DCV licence...).
   * @default []
   */
  readonly grants?: readonly InstanceGrant[];
}

/** One allow statement. */
export interface InstanceGrant {
  /** Statement id, [A-Za-z0-9]+. */
  readonly sid: string;
  /** IAM actions, never "*". */
  readonly actions: readonly string[];
  /** Resource ARNs, never "*". */
  readonly resources: readonly string[];
}

/**
 * An EC2 role reachable through SSM Session Manager (no SSH, no key pair) that may do only
 * what it is granted.
 */
export class InstanceRole extends Construct {
  readonly role: IamRole;
  readonly profile: IamInstanceProfile;
  /** The policy of the grants (none without grants); instances should start after it. */
  readonly grantsPolicy?: IamRolePolicy;

  constructor(scope: Construct, id: string, props: InstanceRoleProps) {
    super(scope, id);
    const { names } = props;
    this.role = serviceRole(this, "role", {
      names,
      purpose: props.purpose,
      servicePrincipal: "ec2.amazonaws.com",
    });
    new IamRolePolicyAttachment(this, "ssm", {
      role: this.role.name,
      policyArn: `arn:${props.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`,
    });
    const grants = props.grants ?? [];
    if (grants.length > 0) {
      const doc = new DataAwsIamPolicyDocument(this, "grants", {
        statement: grants.map((g) => ({
          sid: g.sid,
          effect: "Allow",
          actions: [...g.actions],
          resources: [...g.resources],
        })),
      });
      this.grantsPolicy = new IamRolePolicy(this, "grants-policy", {
        role: this.role.id,
        name: "grants",
        policy: doc.json,
      });
    }
    this.profile = new IamInstanceProfile(this, "profile", {
      name: names.physical(props.purpose, { maxLength: 128 }),
      role: this.role.name,
      tags: names.nameTag(props.purpose),
    });
  }
}
