/**
 * What one audit event costs, piece by piece, side by side: building the line (scrub + serialize), one
 * PutLogEvents call through the SDK client the sink uses (1 event, and a full batch of 100), and
 * JSON.stringify of the same 100-event request body for comparison with the SDK's own JSON codec.
 */
import { CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { createCloudWatchLogsClient } from '../../lib/audit/cloudwatch-client';
import { AuditEntryBuilder, type AuditEntry } from '../../lib/audit/entry';
import type { AuditEvent } from '../../lib/audit/types';
import { systemClock } from '../../lib/core/clock';
import { BENCH_LOG_GROUP, type BackendEndpoints } from '../support/bench-config';
import { interleave, perOp, type Variant } from '../support/measure';

export interface AuditBreakdownPlan {
  rounds: number;
  warmupOps: number;
}

export interface AuditBreakdown {
  /** CPU µs: one entry built; one PutLogEvents call of 1 and of 100 events; JSON.stringify of a 100-event body. */
  entryBuildUs: number;
  putLogEvents1Us: number;
  putLogEvents100Us: number;
  jsonBody100Us: number;
  /** Per event in a batch of 100: the call's fixed cost share, and the SDK's serialization of the event. */
  fixedSharePerEventUs: number;
  sdkSerializationPerEventUs: number;
}

export async function auditBreakdown(backends: BackendEndpoints, events: AuditEvent[], plan: AuditBreakdownPlan): Promise<AuditBreakdown> {
  const client = createCloudWatchLogsClient({ region: 'us-east-1', endpoint: backends.cwlEndpoint, timeoutMs: 2000 });
  const logStreamName = `bench-breakdown-${process.pid}`;
  await client.send(new CreateLogStreamCommand({ logGroupName: BENCH_LOG_GROUP, logStreamName }));
  const builder = new AuditEntryBuilder('bench', 'portcullis-bench-authorizer', systemClock);
  let i = 0;
  const nextEvent = () => events[i++ % events.length];
  const batch = (n: number): AuditEntry[] => Array.from({ length: n }, () => builder.build(nextEvent()));
  const batch100 = batch(100);
  const put = (logEvents: AuditEntry[]) => client.send(new PutLogEventsCommand({ logGroupName: BENCH_LOG_GROUP, logStreamName, logEvents }));
  let sink = 0;
  const variants: Variant[] = [
    {
      name: 'audit_entry_build',
      ops: 200,
      run(n) {
        for (let k = 0; k < n; k++) sink += builder.build(nextEvent()).message.length;
      },
    },
    {
      name: 'put_log_events_1_event',
      ops: 4,
      async run(n) {
        for (let k = 0; k < n; k++) await put([{ timestamp: Date.now(), message: batch100[k].message }]);
      },
    },
    {
      name: 'put_log_events_100_events',
      ops: 4,
      async run(n) {
        for (let k = 0; k < n; k++) await put(batch100.map((e) => ({ timestamp: Date.now(), message: e.message })));
      },
    },
    {
      name: 'json_stringify_100_events',
      ops: 40,
      run(n) {
        for (let k = 0; k < n; k++) sink += JSON.stringify({ logGroupName: BENCH_LOG_GROUP, logStreamName, logEvents: batch100 }).length;
      },
    },
  ];
  try {
    const samples = await interleave(variants, { rounds: plan.rounds, warmupRounds: 1, warmupOps: plan.warmupOps });
    if (sink === 0) throw new Error('audit breakdown: nothing was serialized');
    const us = (name: string) => perOp(samples, name).cpuUs;
    const put1 = us('put_log_events_1_event');
    const put100 = us('put_log_events_100_events');
    return {
      entryBuildUs: us('audit_entry_build'),
      putLogEvents1Us: put1,
      putLogEvents100Us: put100,
      jsonBody100Us: us('json_stringify_100_events'),
      fixedSharePerEventUs: put1 / 100,
      sdkSerializationPerEventUs: Math.max(0, put100 - put1) / 99,
    };
  } finally {
    client.destroy();
  }
}
