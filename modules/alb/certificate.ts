import type { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import type { Names } from "../../lib/names";

export interface DnsValidatedCertificateProps {
  /** Naming helper of the owning stack. */
  readonly names: Names;
  /** Host name the certificate covers. */
  readonly domain: string;
  /** Public hosted zone of the domain. */
  readonly hostedZoneId: string;
  /**
   * Provider of the certificate (CloudFront needs one in us-east-1).
   * @default the stack's default provider
   */
  readonly provider?: TerraformProvider;
}

/** An ACM certificate proved through a DNS record in Route 53; listeners use the validated ARN. */
export class DnsValidatedCertificate extends Construct {
  readonly certificate: AcmCertificate;
  /** ARN that only resolves once validation has succeeded. */
  readonly validatedArn: string;

  constructor(scope: Construct, id: string, props: DnsValidatedCertificateProps) {
    super(scope, id);
    this.certificate = new AcmCertificate(this, "certificate", {
      provider: props.provider,
      domainName: props.domain,
      validationMethod: "DNS",
      keyAlgorithm: "RSA_2048",
      tags: props.names.nameTag(["cert", props.domain]),
      lifecycle: { createBeforeDestroy: true },
    });
    const option = this.certificate.domainValidationOptions.get(0);
    const record = new Route53Record(this, "validation-record", {
      zoneId: props.hostedZoneId,
      name: option.resourceRecordName,
      type: option.resourceRecordType,
      records: [option.resourceRecordValue],
      ttl: 300,
      allowOverwrite: true,
    });
    const validation = new AcmCertificateValidation(this, "validation", {
      provider: props.provider,
      certificateArn: this.certificate.arn,
      validationRecordFqdns: [record.fqdn],
    });
    this.validatedArn = validation.certificateArn;
  }
}
