import { expect } from "vitest";
import { loadConfig, platformInput, type EnvironmentInput, type PlatformInput } from "../../config";
import { ConfigError } from "../../lib/validation";
import { fixtureInput } from "../fixtures/config";

/** A deep copy of the shipped configuration, so a test can break one value of it. */
export function shippedInput(): PlatformInput {
  return structuredClone(platformInput);
}

/** The shipped configuration with one environment changed by `edit`. */
export function withEnv(
  name: "dev" | "prod",
  edit: (env: EnvironmentInput) => void,
): PlatformInput {
  const input = shippedInput();
  edit(input.environments[name]);
  return input;
}

/** The message of the ConfigError that loading `input` throws; fails the test if it loads. */
export function rejection(input: unknown): string {
  try {
    loadConfig(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error("expected the configuration to be rejected");
}

/** The tests' own fixture configuration with one environment changed by `edit`. */
export function fixtureWith(
  name: "sandbox" | "live",
  edit: (env: EnvironmentInput) => void,
): PlatformInput {
  const input = fixtureInput();
  edit(input.environments[name]);
  return input;
}

/*
 * An environment's optional sections, for edits that break one value inside them. They throw
 * rather than return undefined so a fixture that loses a section fails loudly, not as a
 * confusing TypeError inside an edit.
 */
export const db = (e: EnvironmentInput) => {
  if (e.database === undefined) throw new Error("fixture environment without a database");
  return e.database;
};
export const svc = (e: EnvironmentInput) => {
  if (e.services === undefined) throw new Error("fixture environment without services");
  return e.services;
};
export const dcv = (e: EnvironmentInput) => {
  if (e.dcv === undefined) throw new Error("fixture environment without dcv");
  return e.dcv;
};
export const edge = (e: EnvironmentInput) => {
  if (e.edge === undefined) throw new Error("fixture environment without edge");
  return e.edge;
};
