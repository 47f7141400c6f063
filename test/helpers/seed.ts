/** Our real-SDK scenarios (fixtures/seed/README.md draws each one). */
export const SEED_SCENARIOS = [
  'healthy',
  'order-service-down',
  'order-service-slow',
  'retry-recovers',
  'db-error-fanout',
  'broken-propagation',
] as const;

/** A scenario's file, relative to the repository root (the CLI tests' working directory). */
export const seedFile = (name: string, ext = 'otlp.json') => `fixtures/seed/${name}.${ext}`;
