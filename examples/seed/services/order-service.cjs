// order-service: GET /orders (a database query) and GET /recommendations (a query that fails).
//   ORDER_DELAY_MS    how long the orders query takes (the slow scenario makes it exceed the caller's timeout)
//   FAIL_FIRST_ORDERS answer the first /orders request with 503 (the retry scenario)
//   EVENTS            "1": also take order events on a plain TCP port, each processed under a new
//                     root CONSUMER span linked to the producer (how queue consumers are traced)
//   ORDER_ITEMS       "each": /orders also loads each order's items, one query per order, the
//                     values written into the statement (an N+1 loop, as an ORM's lazy loading makes);
//                     "batch": the same items in one query for all the orders (the loop's fix)
//   POOL_EXHAUSTED_EVERY  N: every Nth orders query finds the connection pool exhausted, waits
//                     for a connection and fails with a PoolExhaustedError (a pod with a bad pool setting)
// Also GET /summary: the orders, the invoices and the shipments, three independent queries awaited
// one after another (what the sequential scenario asks for).
const { flush, inSpan, tracer } = require('./tracing.cjs');
const http = require('node:http');
const net = require('node:net');
const { ROOT_CONTEXT, SpanKind, propagation, trace } = require('@opentelemetry/api');

const delayMs = Number(process.env.ORDER_DELAY_MS ?? 30);
const itemsEach = process.env.ORDER_ITEMS === 'each';
const itemsBatch = process.env.ORDER_ITEMS === 'batch';
const ORDER_IDS = [101, 102, 103, 104, 105, 106, 107, 108];
let failuresLeft = process.env.FAIL_FIRST_ORDERS === '1' ? 1 : 0;
const poolExhaustedEvery = Number(process.env.POOL_EXHAUSTED_EVERY ?? 0);
let ordersQueries = 0;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A database call as a CLIENT span, the way a pg instrumentation would record it. */
function query(name, text, work) {
  const attributes = {
    'db.system.name': 'postgresql',
    'db.system': 'postgresql',
    'db.namespace': 'shop',
    'db.query.text': text,
    'server.address': '127.0.0.1',
    'server.port': 5432,
  };
  return inSpan(name, { kind: SpanKind.CLIENT, attributes }, work);
}

/** The orders query, which /orders and /summary both make. */
function queryOrders() {
  return query('query_orders', 'SELECT id, total FROM orders WHERE user_id = $1', async () => {
    ordersQueries++;
    if (poolExhaustedEvery > 0 && ordersQueries % poolExhaustedEvery === 0) {
      await sleep(25);
      const error = new Error('connection pool exhausted: 10 of 10 connections in use after 25 ms');
      error.name = 'PoolExhaustedError';
      throw error;
    }
    await sleep(delayMs);
  });
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  try {
    if (url.pathname === '/orders') {
      if (failuresLeft > 0) {
        failuresLeft--;
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"warming up"}');
        return;
      }
      await queryOrders();
      if (itemsEach)
        for (const id of ORDER_IDS)
          await query('query_order_items', `SELECT sku, qty FROM order_items WHERE order_id = ${id}`, () =>
            sleep(8),
          );
      if (itemsBatch)
        await query(
          'query_order_items',
          'SELECT order_id, sku, qty FROM order_items WHERE order_id = ANY($1)',
          () => sleep(10),
        );
      res.writeHead(200, { 'content-type': 'application/json' }).end('[{"id":1,"total":42}]');
    } else if (url.pathname === '/summary') {
      await queryOrders();
      await query('query_invoices', 'SELECT id, amount FROM invoices WHERE user_id = $1', () => sleep(80));
      await query('query_shipments', 'SELECT id, status FROM shipments WHERE user_id = $1', () => sleep(80));
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end('{"orders":[],"invoices":[],"shipments":[]}');
    } else if (url.pathname === '/recommendations') {
      await query(
        'query_recommendations',
        'SELECT item_id FROM recommendations WHERE user_id = $1',
        async () => {
          await sleep(15);
          const error = new Error('relation "recommendations" does not exist');
          error.code = '42P01';
          throw error;
        },
      );
    } else {
      res.writeHead(404).end();
    }
  } catch (error) {
    res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: error.message }));
  }
});

function processEvent(line) {
  const message = JSON.parse(line);
  const producer = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, message.headers));
  const options = {
    kind: SpanKind.CONSUMER,
    root: true,
    links: producer ? [{ context: producer }] : [],
    attributes: {
      'messaging.system': 'tcp-queue',
      'messaging.destination.name': 'order-events',
      'messaging.operation.type': 'process',
    },
  };
  tracer.startActiveSpan('order-events process', options, ROOT_CONTEXT, async (span) => {
    await sleep(5);
    span.end();
  });
}

function listenForEvents() {
  if (process.env.EVENTS !== '1') return Promise.resolve(undefined);
  const events = net.createServer((socket) => {
    let buffered = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      buffered += chunk;
    });
    socket.on('end', () => {
      for (const line of buffered.split('\n')) if (line.trim() !== '') processEvent(line);
    });
  });
  return new Promise((resolve) => events.listen(0, '127.0.0.1', () => resolve(events.address().port)));
}

server.listen(0, '127.0.0.1', async () => {
  const eventsPort = await listenForEvents();
  process.send({ type: 'listening', port: server.address().port, eventsPort });
});
process.on('message', async (message) => {
  if (message.type !== 'flush') return;
  await flush();
  process.send({ type: 'flushed' });
});
