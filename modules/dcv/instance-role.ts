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
   * Secrets the instance may read (and nothing else in Secrets Manager).
   * @default []
   */
  readonly readableSecretArns?: readonly string[];
}

/**
 * An EC2 role reachable through SSM Session Manager (no SSH, no key pair) that may read only
 * the secrets it is given.
 */
export class InstanceRole extends Construct {
  readonly role: IamRole;
  readonly profile: IamInstanceProfile;

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
    const secrets = props.readableSecretArns ?? [];
    if (secrets.length > 0) {
      const read = new DataAwsIamPolicyDocument(this, "read-secrets", {
        statement: [
          { effect: "Allow", actions: ["secretsmanager:GetSecretValue"], resources: [...secrets] },
        ],
      });
      new IamRolePolicy(this, "read-secrets-policy", {
        role: this.role.id,
        name: "read-secrets",
        policy: read.json,
      });
    }
    this.profile = new IamInstanceProfile(this, "profile", {
      name: names.physical(props.purpose, { maxLength: 128 }),
      role: this.role.name,
      tags: names.nameTag(props.purpose),
    });
  }
}
