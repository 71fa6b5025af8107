/**
 * Task sizes Fargate accepts (Linux): memory in MiB per CPU value, from the ECS developer
 * guide's task size table. Any other pair fails at apply time.
 */
const SIZES: Readonly<
  Record<number, { min: number; max: number; step: number } | readonly number[]>
> = {
  256: [512, 1024, 2048],
  512: { min: 1024, max: 4096, step: 1024 },
  1024: { min: 2048, max: 8192, step: 1024 },
  2048: { min: 4096, max: 16384, step: 1024 },
  4096: { min: 8192, max: 30720, step: 1024 },
  8192: { min: 16384, max: 61440, step: 4096 },
  16384: { min: 32768, max: 122880, step: 8192 },
};

export const FARGATE_CPU_VALUES = Object.keys(SIZES).map(Number);

/** The memory values Fargate accepts with `cpu`, or undefined for a CPU value it does not offer. */
export function memoryChoices(cpu: number): readonly number[] | undefined {
  const entry = SIZES[cpu] as (typeof SIZES)[number] | undefined;
  if (entry === undefined) return undefined;
  if (Array.isArray(entry)) return entry as readonly number[];
  const range = entry as { min: number; max: number; step: number };
  return Array.from(
    { length: (range.max - range.min) / range.step + 1 },
    (_, i) => range.min + i * range.step,
  );
}

/** "1024 (1 GiB) to 8192 (8 GiB) in 1024 steps" style description for error messages. */
export function describeMemory(cpu: number): string {
  const entry = SIZES[cpu];
  if (Array.isArray(entry)) return (entry as readonly number[]).join(", ");
  const range = entry as { min: number; max: number; step: number };
  return `${range.min} to ${range.max} in steps of ${range.step}`;
}
