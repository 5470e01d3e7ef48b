import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseListQuery } from './list-query.ts';

const SORT = ['id', 'username'] as const;
const rows: { name: string; query: Record<string, string>; expect: object | string }[] = [
  { name: 'defaults', query: {}, expect: { offset: 0, limit: 25, sort: 'id', order: 'ASC', filter: {} } },
  { name: 'simple-rest', query: { range: '[10,19]', sort: '["username","DESC"]', filter: '{"q":"ad"}' }, expect: { offset: 10, limit: 10, sort: 'username', order: 'DESC', filter: { q: 'ad' } } },
  { name: 'json-server', query: { _start: '5', _end: '10', _sort: 'username', _order: 'desc', role: 'admin' }, expect: { offset: 5, limit: 5, sort: 'username', order: 'DESC', filter: { role: 'admin' } } },
  { name: 'page size capped', query: { range: '[0,99999]' }, expect: { offset: 0, limit: 1000 } },
  { name: 'unknown sort field', query: { sort: '["password","ASC"]' }, expect: 'cannot sort by "password"' },
  { name: 'bad order', query: { sort: '["id","UP"]' }, expect: 'ASC or DESC' },
  { name: 'range not JSON', query: { range: '0-9' }, expect: 'range must be JSON' },
  { name: 'range reversed', query: { range: '[9,0]' }, expect: 'before its start' },
  { name: 'filter not an object', query: { filter: '[1]' }, expect: 'JSON object' },
];

for (const r of rows) {
  test(`list query: ${r.name}`, () => {
    const out = parseListQuery(r.query, SORT, 'id');
    if (typeof r.expect === 'string') {
      assert.equal(out.ok, false);
      if (!out.ok) assert.match(out.error.message, new RegExp(r.expect.replace(/[[\]()]/g, '\\$&')));
    } else {
      assert.ok(out.ok);
      if (out.ok) assert.deepEqual({ ...out.value, ...r.expect }, out.value);
    }
  });
}
