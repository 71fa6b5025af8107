/*
 * The gateway's nginx.conf: settings and defaults (nginx-config.ts) are resolved, checked
 * (nginx-validate.ts) and rendered (nginx-render.ts) here, so those three never import each
 * other in a circle.
 */
import { assertNoIssues, type Issue } from "../../lib/validation";
import { resolveGatewayConfig, type NginxGatewayConfig } from "./nginx-config";
import { renderResolved } from "./nginx-render";
import { gatewayIssues } from "./nginx-validate";

export * from "./nginx-config";

/** Every rule the gateway configuration must satisfy; paths are relative to it. */
export function nginxConfigIssues(config: NginxGatewayConfig): Issue[] {
  return gatewayIssues(resolveGatewayConfig(config));
}

/**
 * A complete nginx.conf for the gateway host (/etc/nginx/nginx.conf).
 * Throws ConfigError(configPath ?? "dcv.gateway", issues) when the configuration is invalid.
 */
export function renderNginxConfig(config: NginxGatewayConfig, configPath?: string): string {
  const c = resolveGatewayConfig(config);
  assertNoIssues(configPath ?? "dcv.gateway", gatewayIssues(c));
  return renderResolved(c);
}

/**
 * nginx.conf for a configuration nginxConfigIssues has already accepted (through dcvIssues,
 * with the agents' final addresses), so the rules do not run a second time.
 */
export function renderCheckedNginxConfig(config: NginxGatewayConfig): string {
  return renderResolved(resolveGatewayConfig(config));
}

export { POOL_UPSTREAM, routeUpstream } from "./nginx-render";
