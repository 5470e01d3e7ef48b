import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generatePassword, hashPassword, verifyPassword } from './password-hash.ts';

test('a hash verifies its password and nothing else', async () => {
  const hash = await hashPassword('correct horse');
  assert.match(hash, /^scrypt\$15\$8\$1\$[\w-]+\$[\w-]+$/);
  assert.equal(await verifyPassword('correct horse', hash), true);
  assert.equal(await verifyPassword('correct horsE', hash), false);
  assert.equal(await verifyPassword('', hash), false);
});

test('the same password hashes differently each time (salted)', async () => {
  assert.notEqual(await hashPassword('x'), await hashPassword('x'));
});

test('unicode passwords are normalised (NFC), so the same visible text matches', async () => {
  const hash = await hashPassword('caf\u00e9');
  assert.equal(await verifyPassword('cafe\u0301', hash), true);
});

test('malformed stored hashes never verify', async () => {
  for (const stored of ['', 'plain', 'scrypt$99$8$1$a$b', 'bcrypt$1$2$3$4$5', 'scrypt$15$8$1$$']) {
    assert.equal(await verifyPassword('x', stored), false, stored);
  }
});

test('generated passwords are long and differ', () => {
  const a = generatePassword();
  assert.equal(a.length, 20);
  assert.notEqual(a, generatePassword());
});
