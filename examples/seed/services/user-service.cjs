// user-service: GET /users/:id/profile, as in the seed:
//   get_user_profile ─┬─ get_user_data      (≈100 ms of local work)
//                     └─ get_user_orders    (calls order-service with a 5 s timeout)
//   ORDER_URL   order-service's base URL
//   ORDER_URLS  instead: several order-service instances' base URLs, comma-separated, called in
//               turn (round-robin, as a Kubernetes Service spreads calls over its pods)
//   SCENARIO    "retry" retries a failed orders call once; "fanout" also asks for recommendations in
//               parallel; "audit" writes an audit record through a queue that loses the trace context;
//               "publish" publishes an order event to order-service over a plain TCP "queue";
//               "sequential" gets the orders with the invoices and shipments (/summary), whose
//               three queries order-service awaits one after another
//   EVENTS_PORT where order-service takes events (publish)
// Also GET /users/:id/summary: the profile with the orders, invoices and shipments (/summary), as
// "sequential" gets them.
const { flush, inSpan, meter } = require('./tracing.cjs');
const http = require('node:http');
const net = require('node:net');
const { SpanKind, context, propagation } = require('@opentelemetry/api');

const orderUrls = (process.env.ORDER_URLS || process.env.ORDER_URL || '').split(',');
let nextOrderUrl = 0;
const scenario = process.env.SCENARIO ?? '';
const TIMEOUT_MS = 5000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// The seed's metrics: requests served, and how long order-service took to answer.
const profileRequests = meter.createCounter('user_profile_requests', {
  description: 'profile requests served',
});
const orderCallDuration = meter.createHistogram('order_service_call_duration', {
  description: 'time to get the orders from order-service',
  unit: 'ms',
});

/** GET on order-service; the HTTP instrumentation records the CLIENT span and injects traceparent. */
function getJson(path) {
  const orderUrl = orderUrls[nextOrderUrl++ % orderUrls.length];
  return new Promise((resolve, reject) => {
    const req = http.get(`${orderUrl}${path}`, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => {
        if (res.statusCode >= 400) {
          const error = new Error(`order-service answered ${res.statusCode} for ${path}`);
          error.name = 'HTTPError';
          reject(error);
        } else {
          resolve(JSON.parse(body));
        }
      });
    });
    req.setTimeout(TIMEOUT_MS, () => {
      const error = new Error(`order-service did not answer within ${TIMEOUT_MS} ms`);
      error.name = 'TimeoutError';
      req.destroy(error);
    });
    req.on('error', reject);
  });
}

/** A unit of work under its own span. */
const step = (name, work) => inSpan(name, {}, work);

// The audit queue is drained by a timer started when the module loads, so its jobs run in the
// module's (empty) context, not the request's: the classic context loss across a callback queue.
const auditJobs = [];
setInterval(() => {
  for (const job of auditJobs.splice(0)) job();
}, 5).unref();

function writeAuditLog(userId) {
  auditJobs.push(() =>
    step('write_audit_log', async (span) => {
      span.setAttribute('user.id', userId);
      await sleep(5);
    }),
  );
}

/** A message to order-service's event queue (a plain TCP line), the trace context in the message. */
function publishOrderEvent(userId) {
  const attributes = {
    'messaging.system': 'tcp-queue',
    'messaging.destination.name': 'order-events',
    'messaging.operation.type': 'send',
  };
  return inSpan('order-events publish', { kind: SpanKind.PRODUCER, attributes }, () => {
    const headers = {};
    propagation.inject(context.active(), headers);
    return new Promise((resolve, reject) => {
      const socket = net.connect(Number(process.env.EVENTS_PORT), '127.0.0.1', () => {
        socket.end(`${JSON.stringify({ headers, userId })}\n`, resolve);
      });
      socket.on('error', reject);
    });
  });
}

async function getUserOrders(userId) {
  const attempts = scenario === 'retry' ? 2 : 1;
  for (let attempt = 1; ; attempt++) {
    try {
      return await getJson(`/orders?user_id=${userId}`);
    } catch (error) {
      if (attempt >= attempts) throw error;
      await sleep(50);
    }
  }
}

async function getUserProfile(userId, view) {
  return step('get_user_profile', async (span) => {
    span.setAttribute('user.id', userId);
    const user = await step('get_user_data', async () => {
      await sleep(100);
      return { id: userId, name: 'Ada' };
    });
    if (scenario === 'audit') writeAuditLog(userId);
    if (scenario === 'sequential' || view === 'summary') {
      const summary = await step('get_user_orders', () => getJson(`/summary?user_id=${userId}`));
      return { ...user, ...summary };
    }
    const callStarted = Date.now();
    const orders = step('get_user_orders', () => getUserOrders(userId)).finally(() =>
      orderCallDuration.record(Date.now() - callStarted),
    );
    if (scenario === 'fanout') {
      const recommendations = step('get_recommendations', () =>
        getJson(`/recommendations?user_id=${userId}`),
      );
      const [o, r] = await Promise.all([orders, recommendations]);
      return { ...user, orders: o, recommendations: r };
    }
    const result = { ...user, orders: await orders };
    if (scenario === 'publish') await publishOrderEvent(userId);
    return result;
  });
}

const server = http.createServer(async (req, res) => {
  const match = /^\/users\/(\d+)\/(profile|summary)$/.exec(new URL(req.url, 'http://127.0.0.1').pathname);
  if (!match) {
    res.writeHead(404).end();
    return;
  }
  try {
    profileRequests.add(1);
    const profile = await getUserProfile(match[1], match[2]);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(profile));
  } catch (error) {
    const status = error.name === 'TimeoutError' ? 504 : 502;
    res
      .writeHead(status, { 'content-type': 'application/json' })
      .end(JSON.stringify({ error: error.message }));
  }
});

server.listen(0, '127.0.0.1', () => process.send({ type: 'listening', port: server.address().port }));
process.on('message', async (message) => {
  if (message.type !== 'flush') return;
  await flush();
  process.send({ type: 'flushed' });
});
