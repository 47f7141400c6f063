// What the compare fixtures (fixtures/compare/) run: the same test run three times, against
// user-service and two order-service pods, the third time with the changes a pull request planted.
// Data only, so that the fixtures' tests read the same plan the generator ran.

/** How long the orders query takes (order-service's ORDER_DELAY_MS), and what the PR adds to it. */
export const ORDERS_QUERY_MS = 30;
export const EXTRA_QUERY_MS = 35;
/** The pod whose release candidate's connection pool runs dry: every POOL_EXHAUSTED_EVERY-th orders query fails. */
export const FAILING_POD = 'order-7f9c';
export const FAILING_VERSION = '1.4.0-rc1';
export const POOL_EXHAUSTED_EVERY = 3;

/**
 * The test run: 90 requests, one after another; every fifth asks for the summary (orders,
 * invoices, shipments), the others for the profile (orders); user ids 1 to 50.
 */
export const REQUESTS = Array.from({ length: 90 }, (_, i) => {
  const userId = 1 + ((i * 37) % 50);
  return `/users/${userId}/${i % 5 === 4 ? 'summary' : 'profile'}`;
});

/** OTEL_RESOURCE_ATTRIBUTES of one process: a pod of the CI cluster. */
export const resourceAttributes = ({ pod, version, host }) =>
  `k8s.pod.name=${pod},service.version=${version},deployment.environment.name=ci,host.name=${host}`;

const cluster = (version, env, canary = { version, env: {} }) => ({
  user: { pod: 'user-6c4d', host: 'ci-node-1', version, env: {} },
  orders: [
    { pod: 'order-5d8b', host: 'ci-node-2', version, env },
    { pod: FAILING_POD, host: 'ci-node-3', version: canary.version, env: { ...env, ...canary.env } },
  ],
});

/** The current code: the orders query, then the orders' items in one query. */
const BASELINE_ORDERS = { ORDER_DELAY_MS: String(ORDERS_QUERY_MS), ORDER_ITEMS: 'batch' };

/** Each run: its file's name, and its pods with their versions and settings. */
export const COMPARE_RUNS = [
  { name: 'baseline', ...cluster('1.3.2', BASELINE_ORDERS) },
  { name: 'baseline-rerun', ...cluster('1.3.2', BASELINE_ORDERS) },
  {
    name: 'regressed',
    ...cluster(
      '1.4.0',
      { ORDER_DELAY_MS: String(ORDERS_QUERY_MS + EXTRA_QUERY_MS), ORDER_ITEMS: 'each' },
      { version: FAILING_VERSION, env: { POOL_EXHAUSTED_EVERY: String(POOL_EXHAUSTED_EVERY) } },
    ),
  },
];
