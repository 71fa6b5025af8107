/*
 * What AWS offers, as maintained tables: each file names its source and the date it was
 * checked. Rules refuse values outside these tables at synth, before a plan ever runs.
 */
export * from "./regions";
export * from "./rds";
export * from "./ec2";
export * from "./elasticache";
