import { existsSync } from "node:fs";
import { tmpdir } from "node:os";

/*
 * Scratch directories on tmpfs where there is one: creating, writing and removing a stack
 * directory per stack on every synth costs a disk-backed /tmp several times the system time.
 * In a module of its own (no cdktf, no config) so vitest's global teardown can load it cheaply.
 */
export const scratchRoot = existsSync("/dev/shm") ? "/dev/shm" : tmpdir();

/** Prefix of the directory in scratchRoot where one run's workers share synths (helpers/synth.ts). */
export const SHARED_SYNTHS_PREFIX = "platform-shared-synths-";

/** Prefix of the directories scratchApp (helpers/scratch-app.ts) builds apps in, per worker. */
export const SCRATCH_APP_PREFIX = "platform-scratch-app-";
