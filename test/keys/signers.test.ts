import { generateKeyPairSync, sign as rawSign } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint, compactVerify, importJWK } from 'jose';
import { derToJose, joseToDer } from '../../lib/jose/der-to-jose';
import { FileSigner } from '../../lib/keys/file-signer';
import { jwkThumbprint, publicJwkOf } from '../../lib/jose/jwk';
import type { Signer } from '../../lib/keys/signer';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** A compact JWS signed through a Signer, verified by jose against the signer's public JWK. */
async function signAndVerify(signer: Signer): Promise<void> {
  const input = `${b64({ alg: signer.alg, typ: 'at+jwt', kid: signer.kid })}.${b64({ sub: 'x', n: Math.random() })}`;
  const sig = await signer.sign(Buffer.from(input));
  const jwk = await signer.publicJwk();
  const { protectedHeader } = await compactVerify(`${input}.${sig.toString('base64url')}`, await importJWK(jwk, signer.alg), {
    algorithms: [signer.alg],
  });
  expect(protectedHeader.kid).toBe(jwk.kid);
}

describe('kid: RFC 7638 thumbprint', () => {
  test.each([
    ['RSA', () => generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey],
    ['EC', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey],
  ])('%s thumbprint equals jose calculateJwkThumbprint', async (_, make) => {
    const key = make();
    const jwk = publicJwkOf(key);
    expect(jwk.kid).toBe(await calculateJwkThumbprint(key.export({ format: 'jwk' }) as never, 'sha256'));
    expect(jwkThumbprint(jwk)).toBe(jwk.kid);
    expect(jwk.use).toBe('sig');
    expect(Object.keys(jwk)).not.toContain('d');
  });

  test('RFC 7638 §3.1 example', () => {
    const n =
      '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw';
    expect(jwkThumbprint({ kty: 'RSA', n, e: 'AQAB' })).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  test('weak or unsupported keys are refused', () => {
    expect(() => publicJwkOf(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey)).toThrow(/2048/);
    expect(() => publicJwkOf(generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey)).toThrow(/unsupported/);
    expect(() => publicJwkOf(generateKeyPairSync('ed25519').publicKey)).toThrow(/unsupported/);
  });
});

describe('DER → JOSE (ECDSA r||s)', () => {
  const seq = (...ints: number[][]) => {
    const body = ints.flatMap((i) => [0x02, i.length, ...i]);
    return Buffer.from([0x30, body.length, ...body]);
  };
  const bytes = (n: number, fill: number) => new Array<number>(n).fill(fill);

  test('33-byte integers with a leading zero are trimmed to 32', () => {
    const r = [0x00, 0x80, ...bytes(31, 0x11)];
    const s = [0x00, 0xff, ...bytes(31, 0x22)];
    const jose = derToJose(seq(r, s));
    expect(jose).toHaveLength(64);
    expect(jose.subarray(0, 32)).toEqual(Buffer.from(r.slice(1)));
    expect(jose.subarray(32)).toEqual(Buffer.from(s.slice(1)));
  });

  test('short integers are left-padded with zeros', () => {
    const r = bytes(30, 0x33); // r < 2^240
    const s = [0x01]; // tiny s
    const jose = derToJose(seq(r, s));
    expect(jose.subarray(0, 32)).toEqual(Buffer.from([0, 0, ...r]));
    expect(jose.subarray(32)).toEqual(Buffer.concat([Buffer.alloc(31), Buffer.from([1])]));
  });

  test('full-size integers without a leading zero pass through', () => {
    const r = [0x7f, ...bytes(31, 0x44)];
    const s = [0x12, ...bytes(31, 0x55)];
    expect(derToJose(seq(r, s))).toEqual(Buffer.from([...r, ...s]));
  });

  test('round trip with joseToDer', () => {
    for (const jose of [Buffer.concat([Buffer.alloc(32, 0xff), Buffer.alloc(32, 0x01)]), Buffer.concat([Buffer.alloc(3), Buffer.alloc(29, 0x80), Buffer.alloc(32, 0x7f)])]) {
      expect(derToJose(joseToDer(jose))).toEqual(jose);
    }
  });

  test.each([
    ['not a sequence', Buffer.from([0x31, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01])],
    ['length mismatch', Buffer.from([0x30, 0x07, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01])],
    ['trailing bytes', Buffer.from([0x30, 0x09, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01])],
    ['negative integer', seq([0x80, 0x01], [0x01])],
    ['non-minimal integer', seq([0x00, 0x01], [0x01])],
    ['integer larger than the curve', seq([0x01, ...bytes(32, 0x01)], [0x01])],
    ['empty integer', seq([], [0x01])],
    ['truncated', Buffer.from([0x30])],
  ])('rejects %s', (_, der) => {
    expect(() => derToJose(der)).toThrow(/ECDSA signature/);
  });
});

describe('FileSigner', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pc-keys-'));
  const write = (name: string, key: import('node:crypto').KeyObject) =>
    writeFileSync(join(dir, name), key.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });

  test.each(['RS256', 'ES256'] as const)('%s signatures verify with jose; kid is the thumbprint', async (alg) => {
    const { privateKey, publicKey } =
      alg === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
    write(`${alg}.pem`, privateKey);
    const signer = FileSigner.fromFile(dir, `${alg}.pem`);
    expect(signer.alg).toBe(alg);
    expect(signer.kid).toBe(publicJwkOf(publicKey).kid);
    for (let i = 0; i < 5; i++) await signAndVerify(signer);
    if (alg === 'ES256') expect(await signer.sign(Buffer.from('x'))).toHaveLength(64);
  });

  test('RS256 output is byte-identical to a raw RSA-SHA256 PKCS#1 v1.5 signature', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const input = Buffer.from('header.payload');
    expect(await new FileSigner(privateKey).sign(input)).toEqual(rawSign('sha256', input, privateKey));
  });

  test('key file names cannot leave the key directory', () => {
    for (const ref of ['../x.pem', '/etc/passwd', 'a/b.pem', '.hidden', '']) expect(() => FileSigner.fromFile(dir, ref)).toThrow(/invalid key file name/);
  });
});
