// Apart from the constructs: the workflow tests compare it with the workflow's list without
// loading any construct or provider code.

/**
 * Layers applied by hand with administrator credentials, never by CI: the state bucket
 * (bootstrap) and the CI identities (ci; hcp for HCP Terraform). CI may neither write their state nor lock it.
 * The workflow's MANUAL_STACK_LAYERS lists the same layers (a test keeps them equal).
 */
export const MANUAL_LAYERS = ["bootstrap", "ci", "hcp"] as const;
