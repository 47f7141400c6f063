import { describe, expect, it } from 'vitest';
import { normalizeMessage } from '../../src/analysis/normalize-message.js';

describe('normalizeMessage', () => {
  it.each([
    ['user 123 not found', 'user <n> not found'],
    ['connect ECONNREFUSED 127.0.0.1:45495', 'connect ECONNREFUSED <ip>'],
    ['order-service did not answer within 5000 ms', 'order-service did not answer within <n> ms'],
    ['timeout after 250ms', 'timeout after <n>ms'],
    ['relation "orders_archive" does not exist', 'relation <str> does not exist'],
    ["key 'abc' missing", 'key <str> missing'],
    ['session 550e8400-e29b-41d4-a716-446655440000 expired', 'session <uuid> expired'],
    ['span 8ef5f11da6111ac0 lost', 'span <hex> lost'],
    ['GET /orders?user=7&page=2 failed', 'GET /orders?<query> failed'],
    ['GET /users/42/orders failed', 'GET /users/<n>/orders failed'],
    ['  many\n  spaces\there ', 'many spaces here'],
  ])('%j → %j', (message, expected) => {
    expect(normalizeMessage(message)).toBe(expected);
  });

  it('puts messages that differ only in values in one group', () => {
    expect(normalizeMessage('user 123 not found')).toBe(normalizeMessage('user 456 not found'));
    expect(normalizeMessage('connect ECONNREFUSED 10.0.0.7:80')).toBe(
      normalizeMessage('connect ECONNREFUSED 127.0.0.1:45495'),
    );
  });

  it('keeps words that merely contain digits or hex letters', () => {
    expect(normalizeMessage('v2 endpoint deprecated')).toBe('v2 endpoint deprecated');
    expect(normalizeMessage('deadbeef cafe')).toBe('deadbeef cafe');
  });

  it('cuts what would be a very long key', () => {
    const out = normalizeMessage('x'.repeat(10_000));
    expect(out.length).toBe(300);
    expect(out.endsWith('…')).toBe(true);
  });
});
