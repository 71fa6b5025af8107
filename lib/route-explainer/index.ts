/*
 * The route explainer: which service an ALB listener sends a request to, from planned rules or
 * from a synthesized stack. A reading tool (npm run routes, tests), not a construct.
 */
export * from "./types";
export { explainRequest } from "./explain";
export { listenerRulesFromStack, type ListenerRouting, type SynthesizedStack } from "./from-stack";
export { matchesHost, matchesPath, patternsOverlap, requestPath } from "../alb-patterns";
