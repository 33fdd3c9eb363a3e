/**
 * A small AWS KMS for tests: the real wire protocol (JSON 1.1, `X-Amz-Target: TrentService.<Op>`,
 * base64 blobs, `__type` errors) over node:http, so the real KMSClient is exercised end to end.
 * Operations: CreateKey, DescribeKey, GetPublicKey, Sign (RAW and DIGEST). Keys are generated at
 * test time with node:crypto; nothing is persisted.
 *
 * ECDSA over a precomputed digest is done here by hand (node:crypto only signs messages it hashes
 * itself): k·G via ECDH, then s = k⁻¹(e + r·d) mod n. That also lets a test force signatures whose
 * r or s is short or has its high bit set (setEcdsaFilter), to exercise the DER → JOSE conversion.
 */
import {
  constants,
  createECDH,
  createHash,
  createPublicKey,
  generateKeyPairSync,
  privateEncrypt,
  randomBytes,
  randomUUID,
  type KeyObject,
} from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KMSClient } from '@aws-sdk/client-kms';

type KeySpec = 'RSA_2048' | 'ECC_NIST_P256';
const SIGNING_ALGORITHMS: Record<KeySpec, string[]> = {
  RSA_2048: ['RSASSA_PKCS1_V1_5_SHA_256'],
  ECC_NIST_P256: ['ECDSA_SHA_256'],
};
const ACCOUNT = '111122223333';
const REGION = 'us-east-1';
/** DER DigestInfo prefix of a SHA-256 hash (RFC 8017 §9.2 note 1). */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');
/** P-256 group order. */
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

interface FakeKey {
  keyId: string;
  arn: string;
  spec: KeySpec;
  privateKey: KeyObject;
  enabled: boolean;
  description?: string;
  tags: Array<{ TagKey: string; TagValue: string }>;
  createdAt: number;
}

export type FailureMode = 'none' | '500' | 'unreachable';

export interface FakeKms {
  endpoint: string;
  /** A real KMSClient pointed at this server (one attempt unless told otherwise). */
  client(opts?: { maxAttempts?: number }): KMSClient;
  /** Creates a key directly (as CloudFormation would); `alias` like `alias/portcullis-prod-signing`. */
  createKey(spec: KeySpec, opts?: { alias?: string }): { keyId: string; arn: string };
  /** Requests received, per operation (Sign, GetPublicKey, ...). */
  calls: Record<string, number>;
  /** Every request that reached an operation: its name and JSON body (blobs base64). */
  requests: Array<{ op: string; body: Record<string, unknown> }>;
  fail(mode: FailureMode): void;
  disableKey(keyId: string): void;
  /** ECDSA: keep drawing nonces until (r, s) passes the filter. */
  setEcdsaFilter(filter?: (r: bigint, s: bigint) => boolean): void;
  close(): Promise<void>;
}

const toBig = (buf: Buffer): bigint => BigInt(`0x${buf.toString('hex') || '0'}`);
const mod = (a: bigint, m: bigint): bigint => ((a % m) + m) % m;

function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  let result = 1n;
  let b = mod(base, m);
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return result;
}

function toFixed(value: bigint, size: number): Buffer {
  return Buffer.from(value.toString(16).padStart(size * 2, '0'), 'hex');
}

/** Minimal DER INTEGER of a non-negative value (independent of the code under test). */
function derInt(value: bigint): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if (bytes[0] & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
}

function ecdsaSignDigest(key: KeyObject, digest: Buffer, filter?: (r: bigint, s: bigint) => boolean): Buffer {
  const d = toBig(Buffer.from((key.export({ format: 'jwk' }) as { d: string }).d, 'base64url'));
  const e = toBig(digest);
  for (;;) {
    const k = mod(toBig(randomBytes(40)), N - 1n) + 1n;
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(toFixed(k, 32));
    const point = ecdh.getPublicKey(); // 04 || X || Y
    const r = mod(toBig(point.subarray(1, 33)), N);
    if (r === 0n) continue;
    const s = mod(modPow(k, N - 2n, N) * (e + r * d), N);
    if (s === 0n) continue;
    if (filter && !filter(r, s)) continue;
    const body = Buffer.concat([derInt(r), derInt(s)]);
    return Buffer.concat([Buffer.from([0x30, body.length]), body]);
  }
}

class KmsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export async function startFakeKms(): Promise<FakeKms> {
  const keys = new Map<string, FakeKey>();
  const aliases = new Map<string, string>();
  const calls: Record<string, number> = {};
  const requests: Array<{ op: string; body: Record<string, unknown> }> = [];
  let failure: FailureMode = 'none';
  let ecdsaFilter: ((r: bigint, s: bigint) => boolean) | undefined;

  function addKey(spec: KeySpec, extra: { description?: string; tags?: FakeKey['tags'] } = {}): FakeKey {
    const privateKey =
      spec === 'RSA_2048'
        ? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
        : generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const keyId = randomUUID();
    const key: FakeKey = {
      keyId,
      arn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/${keyId}`,
      spec,
      privateKey,
      enabled: true,
      description: extra.description,
      tags: extra.tags ?? [],
      createdAt: Math.floor(Date.now() / 1000),
    };
    keys.set(keyId, key);
    return key;
  }

  function resolve(id: unknown): FakeKey {
    if (typeof id !== 'string' || !id) throw new KmsError('ValidationException', 'KeyId is required');
    let keyId = id;
    const aliasMatch = /^(?:arn:aws:kms:[^:]+:\d+:)?(alias\/.+)$/.exec(id);
    if (aliasMatch) keyId = aliases.get(aliasMatch[1]) ?? '';
    else {
      const arnMatch = /^arn:aws:kms:[^:]+:\d+:key\/(.+)$/.exec(id);
      if (arnMatch) keyId = arnMatch[1];
    }
    const key = keys.get(keyId);
    if (!key) throw new KmsError('NotFoundException', `Key '${id}' does not exist`);
    return key;
  }

  const metadata = (k: FakeKey) => ({
    AWSAccountId: ACCOUNT,
    KeyId: k.keyId,
    Arn: k.arn,
    CreationDate: k.createdAt,
    Enabled: k.enabled,
    Description: k.description ?? '',
    KeyUsage: 'SIGN_VERIFY',
    KeyState: k.enabled ? 'Enabled' : 'Disabled',
    Origin: 'AWS_KMS',
    KeyManager: 'CUSTOMER',
    KeySpec: k.spec,
    CustomerMasterKeySpec: k.spec,
    SigningAlgorithms: SIGNING_ALGORITHMS[k.spec],
  });

  const operations: Record<string, (body: Record<string, unknown>) => unknown> = {
    CreateKey(body) {
      const spec = body.KeySpec as KeySpec;
      if (!(spec in SIGNING_ALGORITHMS)) throw new KmsError('UnsupportedOperationException', `KeySpec ${String(body.KeySpec)} is not supported here`);
      if (body.KeyUsage !== 'SIGN_VERIFY') throw new KmsError('ValidationException', 'only SIGN_VERIFY keys are supported here');
      return { KeyMetadata: metadata(addKey(spec, { description: body.Description as string, tags: body.Tags as FakeKey['tags'] })) };
    },
    DescribeKey(body) {
      return { KeyMetadata: metadata(resolve(body.KeyId)) };
    },
    GetPublicKey(body) {
      const k = resolve(body.KeyId);
      if (!k.enabled) throw new KmsError('DisabledException', `${k.arn} is disabled.`);
      return {
        KeyId: k.arn,
        PublicKey: createPublicKey(k.privateKey).export({ format: 'der', type: 'spki' }).toString('base64'),
        KeySpec: k.spec,
        CustomerMasterKeySpec: k.spec,
        KeyUsage: 'SIGN_VERIFY',
        SigningAlgorithms: SIGNING_ALGORITHMS[k.spec],
      };
    },
    Sign(body) {
      const k = resolve(body.KeyId);
      if (!k.enabled) throw new KmsError('DisabledException', `${k.arn} is disabled.`);
      const alg = body.SigningAlgorithm as string;
      if (!SIGNING_ALGORITHMS[k.spec].includes(alg)) throw new KmsError('InvalidKeyUsageException', `${alg} is not valid for ${k.spec}`);
      const message = Buffer.from(String(body.Message ?? ''), 'base64');
      const type = body.MessageType ?? 'RAW';
      if (type === 'DIGEST' && message.length !== 32) throw new KmsError('ValidationException', 'Digest is invalid length for algorithm');
      if (type !== 'DIGEST' && type !== 'RAW') throw new KmsError('ValidationException', `bad MessageType ${String(type)}`);
      const digest = type === 'DIGEST' ? message : createHash('sha256').update(message).digest();
      const signature =
        k.spec === 'RSA_2048'
          ? privateEncrypt({ key: k.privateKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([SHA256_DIGEST_INFO, digest]))
          : ecdsaSignDigest(k.privateKey, digest, ecdsaFilter);
      return { KeyId: k.arn, Signature: signature.toString('base64'), SigningAlgorithm: alg };
    },
  };

  const reply = (res: ServerResponse, status: number, body: unknown, errorType?: string) => {
    const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() };
    if (errorType) headers['x-amzn-errortype'] = errorType;
    res.writeHead(status, headers).end(JSON.stringify(body));
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const op = target.startsWith('TrentService.') ? target.slice('TrentService.'.length) : '';
      calls[op || target] = (calls[op || target] ?? 0) + 1;
      if (failure === 'unreachable') {
        req.socket.destroy();
        return;
      }
      if (failure === '500') return reply(res, 500, { __type: 'KMSInternalException', message: 'injected failure' }, 'KMSInternalException');
      const handler = operations[op];
      if (req.method !== 'POST' || !handler) return reply(res, 400, { __type: 'UnknownOperationException' }, 'UnknownOperationException');
      try {
        const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
        requests.push({ op, body });
        reply(res, 200, handler(body));
      } catch (err) {
        if (err instanceof KmsError) return reply(res, err.status, { __type: err.type, message: err.message }, err.type);
        reply(res, 500, { __type: 'KMSInternalException', message: (err as Error).message }, 'KMSInternalException');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clients: KMSClient[] = [];

  return {
    endpoint,
    calls,
    requests,
    client: (opts = {}) => {
      const c = new KMSClient({ region: REGION, endpoint, maxAttempts: opts.maxAttempts ?? 1 });
      clients.push(c);
      return c;
    },
    createKey(spec, opts = {}) {
      const k = addKey(spec);
      if (opts.alias) aliases.set(opts.alias, k.keyId);
      return { keyId: k.keyId, arn: k.arn };
    },
    fail: (mode) => {
      failure = mode;
    },
    disableKey: (keyId) => {
      resolve(keyId).enabled = false;
    },
    setEcdsaFilter: (filter) => {
      ecdsaFilter = filter;
    },
    close: async () => {
      for (const c of clients) c.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
