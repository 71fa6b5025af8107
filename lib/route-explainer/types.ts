/** A listener rule as the explainer sees it. */
export interface ExplainRule {
  /** Listener rule priority (lower is evaluated first). */
  readonly priority: number;
  /**
   * Service the rule forwards to.
   * @default undefined (the rule does not forward; see `action`)
   */
  readonly service?: string;
  /**
   * What the rule does when it does not forward, e.g. "redirect to HTTPS", "fixed response 404".
   * @default undefined (forwards to `service`)
   */
  readonly action?: string;
  /** Path-pattern condition values (empty = no path condition). */
  readonly paths: readonly string[];
  /** Host-header condition values (empty = no host condition). */
  readonly hosts: readonly string[];
}

/** The request to explain. */
export interface ExplainRequest {
  /**
   * Host header.
   * @default undefined (no Host header: rules with a host condition cannot match)
   */
  readonly host?: string;
  /** Request target; a query string (`?...`) is ignored, as ALB path patterns ignore it. */
  readonly path: string;
}

export interface Explanation {
  /** Service that receives the request; undefined when redirected or nothing forwards it. */
  readonly service: string | undefined;
  /**
   * The rule that matched.
   * @default undefined (the listener default applied)
   */
  readonly rule?: ExplainRule;
  /**
   * The matched rule's conditions, e.g. "host a.example.com, path /api/*".
   * @default undefined (the listener default applied)
   */
  readonly matched?: string;
  /** What decided: a rule, the listener default, or nothing (no rule and no default service). */
  readonly decidedBy: "rule" | "default" | "none";
  /** What happens to the request: the service name, or an action such as "redirect to HTTPS". */
  readonly outcome: string;
  /** One sentence, e.g. "rule 110 (path /api/*) -> api". */
  readonly reason: string;
  /**
   * Set when the request fell to the catch-all only because a prefix rule lacks its bare
   * prefix (rule "/api/*" without "/api", request "/api").
   * @default undefined (nothing suspicious)
   */
  readonly warning?: string;
}
