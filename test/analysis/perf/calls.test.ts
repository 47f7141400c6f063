import { describe, expect, it } from 'vitest';
import { callOf, statementShape, templatePath } from '../../../src/analysis/perf/calls.js';
import { buildTree } from '../../../src/model/build-tree.js';
import { makeTrace, type SpanSpec } from '../../helpers/make-span.js';
import { query, request, rpc, server } from './call-specs.js';

/** The call made by the span `spec`, under a root. */
function callOfSpec(spec: SpanSpec) {
  const tree = buildTree(makeTrace([server('a', undefined, 0, 100, '/'), { ...spec, id: 'b', parent: 'a' }]));
  return callOf(tree.nodes[1]!);
}

describe('statementShape', () => {
  it.each([
    [
      "SELECT * FROM users WHERE id = 42 AND email = 'a@b.c'",
      'SELECT * FROM users WHERE id = ? AND email = ?',
    ],
    ["SELECT * FROM t WHERE id = '550e8400-e29b-41d4-a716-446655440000'", 'SELECT * FROM t WHERE id = ?'],
    [
      'SELECT * FROM t WHERE price > 12.5 LIMIT 10 OFFSET 20',
      'SELECT * FROM t WHERE price > ? LIMIT ? OFFSET ?',
    ],
    ['UPDATE stock SET qty = qty - 1 WHERE sku = 0x1f', 'UPDATE stock SET qty = qty - ? WHERE sku = ?'],
    // Redis keys with an id glued to their prefix (HotROD's driver ids), or between colons.
    ['GET driver:T752547C', 'GET driver:?'],
    ['get driver:T752547C', 'get driver:?'],
    ['HGETALL session:9f3ab2c4d5e6f708', 'HGETALL session:?'],
    ['GET user:42:avatar', 'GET user:?:avatar'],
    // Bind parameters, in each style.
    ['SELECT * FROM users WHERE id = $1', 'SELECT * FROM users WHERE id = $?'],
    ['SELECT * FROM t WHERE a = ? AND b IN (?, ?, ?)', 'SELECT * FROM t WHERE a = ? AND b IN (?)'],
  ])('%j → %j', (statement, shape) => {
    expect(statementShape(statement)).toBe(shape);
  });

  it('makes a list of values one value: the same query for 3 ids or for 30', () => {
    const ids = Array.from({ length: 30 }, (_, i) => i + 1).join(',');
    expect(statementShape('SELECT * FROM orders WHERE id IN (1, 2, 3)')).toBe(
      'SELECT * FROM orders WHERE id IN (?)',
    );
    expect(statementShape(`SELECT * FROM orders WHERE id IN (${ids})`)).toBe(
      'SELECT * FROM orders WHERE id IN (?)',
    );
    expect(statementShape('SELECT * FROM t WHERE b IN (?, ?)')).toBe(
      statementShape('SELECT * FROM t WHERE b IN (?)'),
    );
  });

  it('makes the rows of a multi-row VALUES one row', () => {
    const one = "INSERT INTO items (order_id, sku) VALUES (1, 'a')";
    const three = "INSERT INTO items (order_id, sku) VALUES (1, 'a'), (2, 'b'), (3, 'c')";
    expect(statementShape(three)).toBe('INSERT INTO items (order_id, sku) VALUES (?)');
    expect(statementShape(one)).toBe(statementShape(three));
  });

  it('keeps what is not a value: names, keywords, casts, keys without an id', () => {
    expect(statementShape('SELECT x::int4 FROM t2')).toBe('SELECT x::int4 FROM t2');
    expect(statementShape('GET config:site')).toBe('GET config:site');
  });
});

describe('templatePath', () => {
  it.each([
    ['/users/42/orders', '/users/{id}/orders'],
    ['/users/550e8400-e29b-41d4-a716-446655440000', '/users/{id}'],
    ['/blobs/5f2a9c0e1b3d4a6f', '/blobs/{id}'],
    ['/products/SKU-123456', '/products/{id}'],
    ['/drivers/T752547C', '/drivers/{id}'],
    ['/reset/AbCdEfGhIjKlMnOpQrStUv', '/reset/{id}'],
  ])('takes the id out of %j', (path, template) => {
    expect(templatePath(path)).toBe(template);
  });

  it.each([
    '/api/v1/users',
    '/api/v2',
    '/blobs/beef', // short hex is a word as well as an id
    '/files/a1',
    '/users/{id}/orders',
    '/orders/{orderId}',
    '/',
  ])('keeps %j', (path) => {
    expect(templatePath(path)).toBe(path);
  });
});

describe('callOf', () => {
  it('reads a query: its shape, the statement as sent where it reads with its values, the peer', () => {
    const call = callOfSpec(query('b', 'a', 10, 25, 'SELECT  id\n FROM orders WHERE user_id = 7'));
    expect(call).toMatchObject({
      family: 'db',
      shape: 'SELECT id FROM orders WHERE user_id = ?',
      exact: 'SELECT id FROM orders WHERE user_id = 7',
      peer: 'orders-db:5432',
      durationMs: 15,
      failed: false,
    });
  });

  it.each([
    ['a write', "INSERT INTO audit (event) VALUES ('login')"],
    ['a statement with bind parameters', 'SELECT id FROM orders WHERE user_id = $1'],
    ['a statement with ? parameters', 'SELECT id FROM orders WHERE user_id = ?'],
  ])('has no exact read for %s: two of them need not be the same', (_, statement) => {
    expect(callOfSpec(query('b', 'a', 0, 5, statement))?.exact).toBeUndefined();
  });

  it('reads a query without a statement by its operation and table', () => {
    const call = callOfSpec({
      kind: 'client',
      name: 'find',
      attributes: { 'db.system': 'mongodb', 'db.operation': 'find', 'db.mongodb.collection': 'carts' },
    });
    expect(call).toMatchObject({ family: 'db', shape: 'find carts', exact: undefined, peer: 'mongodb' });
  });

  it('reads an HTTP call: method and templated path, the URL for a GET', () => {
    const get = callOfSpec(request('b', 'a', 0, 5, 'http://catalog:8080/products/42?fields=price'));
    expect(get).toMatchObject({
      family: 'http',
      shape: 'GET /products/{id}',
      exact: 'GET http://catalog:8080/products/42?fields=price',
      peer: 'catalog:8080',
    });
    const post = callOfSpec(request('b', 'a', 0, 5, 'http://catalog:8080/products/42', { method: 'POST' }));
    expect(post).toMatchObject({ shape: 'POST /products/{id}', exact: undefined });
  });

  it('reads a gRPC call by service and method, and a failing one as failed', () => {
    const call = callOfSpec(rpc('b', 'a', 0, 5, 'payment.PaymentService/Charge', 14));
    expect(call).toMatchObject({ family: 'rpc', shape: 'payment.PaymentService/Charge', failed: true });
    expect(call?.exact).toBeUndefined();
  });

  it('reads a CLIENT span without attributes (HotROD redis) by its name, and no other span', () => {
    expect(callOfSpec({ kind: 'client', name: 'GetDriver' })).toMatchObject({
      family: 'call',
      shape: 'GetDriver',
    });
    expect(callOfSpec({ kind: 'internal', name: 'render' })).toBeUndefined();
    expect(callOfSpec(server('b', 'a', 0, 5, '/orders'))).toBeUndefined();
  });

  it('keys calls by family, peer and shape', () => {
    const a = callOfSpec(query('b', 'a', 0, 5, 'SELECT * FROM t WHERE id = 1'))!;
    const b = callOfSpec(query('b', 'a', 0, 5, 'SELECT * FROM t WHERE id = 2'))!;
    const other = callOfSpec({
      ...query('b', 'a', 0, 5, 'SELECT * FROM t WHERE id = 1'),
      attributes: { 'db.system.name': 'postgresql', 'db.query.text': 'SELECT * FROM t WHERE id = 1' },
    })!;
    expect(a.key).toBe(b.key);
    expect(other.key).not.toBe(a.key);
  });
});
