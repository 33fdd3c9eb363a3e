import { createMetrics, METRICS_NAMESPACE } from '../../lib/observability/metrics';
import { FrozenClock } from '../../testkit/frozen-clock';

type Emf = {
  _aws: { Timestamp: number; CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
  [k: string]: unknown;
};

function setup() {
  const lines: string[] = [];
  const metrics = createMetrics({ service: 'portcullis', stage: 'prod' }, { write: (l) => lines.push(l) });
  const emf = () => lines.map((l) => JSON.parse(l) as Emf);
  return { metrics, lines, emf };
}

describe('EMF metrics', () => {
  test('nothing is written when nothing was counted', () => {
    const { metrics, lines } = setup();
    metrics.flush();
    metrics.flush();
    expect(lines).toEqual([]);
  });

  test('one flush per invocation: plain metrics in one line, denials in one line per reason', () => {
    const { metrics, emf } = setup();
    metrics.tokenIssued();
    metrics.tokenIssued();
    metrics.revoked(3);
    metrics.authorizerAllow();
    metrics.authorizerLatency(0.042);
    metrics.authorizerLatency(0.05);
    metrics.tokenDenied('invalid_client');
    metrics.tokenDenied('invalid_client');
    metrics.authorizerDeny('expired');
    metrics.tokenDenied('invalid_scope');
    expect(emf()).toEqual([]);
    metrics.flush();

    const out = emf();
    expect(out).toHaveLength(4);
    const [plain, invalidClient, expired, invalidScope] = out;
    expect(plain._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: METRICS_NAMESPACE,
        Dimensions: [['service', 'stage']],
        Metrics: [
          { Name: 'TokensIssued', Unit: 'Count' },
          { Name: 'Revocations', Unit: 'Count' },
          { Name: 'AuthorizerAllow', Unit: 'Count' },
          { Name: 'AuthorizerLatency', Unit: 'Milliseconds' },
        ],
      },
    ]);
    expect(plain).toMatchObject({ service: 'portcullis', stage: 'prod', TokensIssued: 2, Revocations: 3, AuthorizerAllow: 1, AuthorizerLatency: [0.042, 0.05] });
    expect(invalidClient._aws.CloudWatchMetrics[0].Dimensions).toEqual([['service', 'stage', 'reason']]);
    expect(invalidClient).toMatchObject({ reason: 'invalid_client', TokenDenied: 2 });
    expect(expired).toMatchObject({ reason: 'expired', AuthorizerDeny: 1 });
    expect(invalidScope).toMatchObject({ reason: 'invalid_scope', TokenDenied: 1 });
    metrics.flush();
    expect(emf()).toHaveLength(4);
  });

  test('denials of different reasons are separate lines, same reason shares one', () => {
    const { metrics, emf } = setup();
    metrics.tokenDenied('invalid_scope');
    metrics.authorizerDeny('invalid_scope');
    metrics.authorizerDeny('revoked');
    metrics.flush();
    expect(emf().map((l) => [l.reason, l.TokenDenied, l.AuthorizerDeny])).toEqual([
      ['invalid_scope', 1, 1],
      ['revoked', undefined, 1],
    ]);
  });

  test('denials, failed client authentications, lockouts and internal errors are plain counts in the same line', () => {
    const { metrics, emf } = setup();
    metrics.denial();
    metrics.denial();
    metrics.clientAuthFailed();
    metrics.loginFailed();
    metrics.lockout();
    metrics.internalError();
    metrics.flush();
    expect(emf()).toHaveLength(1);
    expect(emf()[0]).toMatchObject({ service: 'portcullis', stage: 'prod', Denials: 2, ClientAuthFailures: 1, LoginFailures: 1, Lockouts: 1, InternalErrors: 1 });
    expect(emf()[0]._aws.CloudWatchMetrics[0].Dimensions).toEqual([['service', 'stage']]);
  });

  test('latency keeps a sample of 99 values per write, all written through the writer, never by Powertools on its own', () => {
    const { metrics, emf } = setup();
    const spy = jest.spyOn(process.stdout, 'write');
    try {
      for (let i = 0; i < 250; i++) metrics.authorizerLatency(i);
      metrics.authorizerAllow();
      metrics.flush();
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
    expect(emf()).toHaveLength(1);
    const values = emf()[0].AuthorizerLatency as number[];
    expect(values).toHaveLength(99);
    expect(new Set(values).size).toBe(99);
    expect(values.every((v) => Number.isInteger(v) && v >= 0 && v < 250)).toBe(true);
    expect(emf()[0].AuthorizerAllow).toBe(1);
  });

  test('maybeFlush (authorizer) writes at most once a second, and nothing is lost in between', () => {
    const clock = new FrozenClock();
    const lines: string[] = [];
    const metrics = createMetrics({ service: 'portcullis', stage: 'prod' }, { write: (l) => lines.push(l), clock });
    metrics.authorizerAllow();
    metrics.maybeFlush(); // first invocation of the container: written
    expect(lines).toHaveLength(1);
    for (let i = 0; i < 5; i++) {
      clock.advance(100);
      metrics.authorizerAllow();
      metrics.authorizerDeny('expired');
      metrics.maybeFlush();
    }
    expect(lines).toHaveLength(1);
    clock.advance(500);
    metrics.maybeFlush();
    const out = lines.map((l) => JSON.parse(l));
    expect(out.map((l) => l.AuthorizerAllow ?? l.AuthorizerDeny)).toEqual([1, 5, 5]);
    metrics.maybeFlush();
    clock.advance(5000);
    metrics.maybeFlush();
    expect(lines).toHaveLength(3);
  });
});
