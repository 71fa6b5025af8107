/**
 * The names HCP Terraform and Terraform Enterprise accept, checked at synth so a typo fails
 * before the tfe provider (or a run) does. Each function returns why a name is refused, or
 * undefined when it is accepted.
 */

/** HCP Terraform's limit on workspace names. */
export const MAX_WORKSPACE_NAME = 90;

/** Letters, digits, "-" and "_" (the organization settings page's rule). */
export function organizationProblem(name: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(name)) {
    return "must be 1 to 40 letters, digits, '-' or '_' (an HCP Terraform organization name)";
  }
  return undefined;
}

/** 3 to 40 characters; letters, digits, spaces, "-" and "_", no space at either end. */
export function projectProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 40) return "must be 3 to 40 characters long";
  if (!/^[\w-][\w -]+[\w-]$/.test(name)) {
    return "may hold only letters, digits, spaces, '-' and '_', and must not start or end with a space";
  }
  return undefined;
}

/** A DNS host name (the HCP Terraform or Terraform Enterprise host, no scheme, port or path). */
export function hostnameProblem(name: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(name) || name.includes("/")) {
    return "must be the host name alone, without a scheme or path (e.g. app.terraform.io)";
  }
  if (name.length > 253) return "must be at most 253 characters long";
  const labels = name.split(".");
  const label = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
  if (labels.length < 2 || !labels.every((l) => label.test(l))) {
    return "must be a fully qualified host name: dot-separated labels of lower-case letters, digits and inner hyphens (e.g. tfe.example.com)";
  }
  return undefined;
}

/** Letters, digits, "-" and "_", at most 90 characters. */
export function workspaceNameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > MAX_WORKSPACE_NAME) {
    return `must be 1 to ${MAX_WORKSPACE_NAME} characters long (HCP Terraform's limit); it is ${name.length}`;
  }
  if (!/^[A-Za-z0-9_-]+$/.test(name)) return "may hold only letters, digits, '-' and '_'";
  return undefined;
}
