// user-service: GET /users/:id/profile, as in the seed:
//   get_user_profile ─┬─ get_user_data      (≈100 ms of local work)
//                     └─ get_user_orders    (calls order-service with a 5 s timeout)
//   ORDER_URL   order-service's base URL
//   SCENARIO    "retry" retries a failed orders call once; "fanout" also asks for recommendations in parallel
const { flush, inSpan } = require('./tracing.cjs');
const http = require('node:http');

const orderUrl = process.env.ORDER_URL;
const scenario = process.env.SCENARIO ?? '';
const TIMEOUT_MS = 5000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** GET on order-service; the HTTP instrumentation records the CLIENT span and injects traceparent. */
function getJson(path) {
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

async function getUserProfile(userId) {
  return step('get_user_profile', async (span) => {
    span.setAttribute('user.id', userId);
    const user = await step('get_user_data', async () => {
      await sleep(100);
      return { id: userId, name: 'Ada' };
    });
    const orders = step('get_user_orders', () => getUserOrders(userId));
    if (scenario === 'fanout') {
      const recommendations = step('get_recommendations', () =>
        getJson(`/recommendations?user_id=${userId}`),
      );
      const [o, r] = await Promise.all([orders, recommendations]);
      return { ...user, orders: o, recommendations: r };
    }
    return { ...user, orders: await orders };
  });
}

const server = http.createServer(async (req, res) => {
  const match = /^\/users\/(\d+)\/profile$/.exec(new URL(req.url, 'http://127.0.0.1').pathname);
  if (!match) {
    res.writeHead(404).end();
    return;
  }
  try {
    const profile = await getUserProfile(match[1]);
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
