import { existsSync } from "node:fs";
import { tmpdir } from "node:os";

/*
 * Scratch directories on tmpfs where there is one: creating, writing and removing a stack
 * directory per stack on every synth costs a disk-backed /tmp several times the system time.
 * In a module of its own (no cdktf, no config) so vitest's global setup can load it cheaply.
 */
export const scratchRoot = existsSync("/dev/shm") ? "/dev/shm" : tmpdir();

/** Prefix of a run's directory in scratchRoot, followed by the run's vitest process id. */
export const RUN_SCRATCH_PREFIX = "platform-test-run-";
