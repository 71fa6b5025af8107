/**
 * Settings of the shared Application Load Balancer. config/services-schema.ts produces this
 * shape (checked at compile time).
 */
export type ListenerSettings =
  | {
      /** HTTPS on 443 (HTTP on 80 redirects to it with a 301). */
      readonly protocol: "https";
      /** An existing ACM certificate in the region. */
      readonly certificateArn: string;
    }
  | {
      /** HTTPS on 443 with a DNS-validated ACM certificate and an alias record. */
      readonly protocol: "https";
      /** Host name to serve, e.g. app.example.com. */
      readonly domain: string;
      /** Route 53 public hosted zone that holds the domain. */
      readonly hostedZoneId: string;
    }
  | {
      /** Plain HTTP on 80 only: an explicit exception for environments without a domain. */
      readonly protocol: "http";
      /** Why this environment serves plain HTTP; shown in the plan as the listener's tag. */
      readonly reason: string;
    };

export interface AlbSettings {
  /** HTTPS with a certificate, or an explicit plain-HTTP exception. */
  readonly listener: ListenerSettings;
  /** Seconds an idle connection stays open; long enough for WebSocket pings. */
  readonly idleTimeoutSeconds: number;
  /** Who may reach ports 80/443. */
  readonly ingressCidrs: readonly string[];
  /** Access logs to the environment's log bucket (operations stack), under `alb/`. */
  readonly accessLogs: boolean;
  /**
   * WAFv2 web ACL to associate.
   * @default none
   */
  readonly wafWebAclArn?: string;
  /** Port of the blue/green test listener. */
  readonly testListenerPort: number;
  /**
   * Who may reach the test listener (public addresses: the ALB is internet-facing). Required
   * when a service uses blue/green.
   * @default none
   */
  readonly testListenerCidrs?: readonly string[];
}
