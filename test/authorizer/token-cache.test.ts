/** The verified-token cache: bounded, approximately least-recently-used, and a hit does not churn the Map. */
import { LruCache } from '../../lib/authorizer/token-cache';

test('bounded: the entry used least recently goes first', () => {
  const c = new LruCache<number>(4);
  for (const k of ['a', 'b', 'c', 'd']) c.set(k, k.charCodeAt(0));
  c.set('e', 5);
  expect(c.size).toBe(4);
  expect(c.get('a')).toBeUndefined();
  expect(c.get('b')).toBe(98);
});

test('an entry used at least once per half of the capacity of new entries is never evicted', () => {
  const c = new LruCache<string>(100);
  c.set('hot', 'h');
  for (let i = 0; i < 1000; i++) {
    c.set(`t${i}`, 'x');
    if (i % 50 === 49) expect(c.get('hot')).toBe('h');
  }
  expect(c.get('hot')).toBe('h');
  expect(c.size).toBe(100);
});

test('an entry not used for a whole capacity of new entries is evicted; delete and clear work; capacity 0 caches nothing', () => {
  const c = new LruCache<string>(10);
  c.set('cold', 'c');
  for (let i = 0; i < 10; i++) c.set(`t${i}`, 'x');
  expect(c.get('cold')).toBeUndefined();
  c.delete('t9');
  expect(c.get('t9')).toBeUndefined();
  c.clear();
  expect(c.size).toBe(0);
  const none = new LruCache<string>(0);
  none.set('a', 'a');
  expect(none.get('a')).toBeUndefined();
});
