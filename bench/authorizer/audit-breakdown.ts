/**
 * What one audit event costs, piece by piece, side by side: building the line (scrub + serialize, as the sink
 * does it), the synchronous write(2) of that line to a pipe another process drains (Lambda's stdout), and, for
 * comparison, JSON.stringify of the same event object.
 */
import { closeSync, openSync } from 'node:fs';
import { AuditEntryBuilder } from '../../lib/audit/entry';
import { writeLineSync } from '../../lib/audit/sync-write';
import type { AuditEvent } from '../../lib/audit/types';
import { systemClock } from '../../lib/core/clock';
import { openAuditPipe } from '../support/audit-pipe';
import { interleave, perOp, type Variant } from '../support/measure';

export interface AuditBreakdownPlan {
  rounds: number;
  warmupOps: number;
}

export interface AuditBreakdown {
  /** CPU µs: one line built; one line written to the pipe (the reader woken); to /dev/null (the system call alone); JSON.stringify of the event object; the line's bytes. */
  entryBuildUs: number;
  lineWriteUs: number;
  devNullWriteUs: number;
  jsonStringifyUs: number;
  lineBytes: number;
}

export async function auditBreakdown(events: AuditEvent[], plan: AuditBreakdownPlan): Promise<AuditBreakdown> {
  const pipe = openAuditPipe();
  const devNull = openSync('/dev/null', 'w');
  const builder = new AuditEntryBuilder('bench', 'portcullis-bench-authorizer', systemClock);
  let i = 0;
  const nextEvent = () => events[i++ % events.length];
  const lines = events.slice(0, 100).map((e) => `${builder.build(e).message}\n`);
  let j = 0;
  let sink = 0;
  const variants: Variant[] = [
    {
      name: 'audit_entry_build',
      ops: 1000,
      run(n) {
        for (let k = 0; k < n; k++) sink += builder.build(nextEvent()).message.length;
      },
    },
    {
      name: 'audit_line_write',
      ops: 1000,
      run(n) {
        for (let k = 0; k < n; k++) pipe.write(lines[j++ % lines.length]);
      },
    },
    {
      name: 'audit_line_write_dev_null',
      ops: 1000,
      run(n) {
        for (let k = 0; k < n; k++) writeLineSync(devNull, lines[j++ % lines.length]);
      },
    },
    {
      name: 'json_stringify_event',
      ops: 1000,
      run(n) {
        for (let k = 0; k < n; k++) sink += JSON.stringify(nextEvent()).length;
      },
    },
  ];
  try {
    const samples = await interleave(variants, { rounds: plan.rounds, warmupRounds: 1, warmupOps: plan.warmupOps });
    if (sink === 0) throw new Error('audit breakdown: nothing was serialized');
    const us = (name: string) => perOp(samples, name).cpuUs;
    return {
      entryBuildUs: us('audit_entry_build'),
      lineWriteUs: us('audit_line_write'),
      devNullWriteUs: us('audit_line_write_dev_null'),
      jsonStringifyUs: us('json_stringify_event'),
      lineBytes: Math.round(lines.reduce((a, l) => a + Buffer.byteLength(l), 0) / lines.length),
    };
  } finally {
    closeSync(devNull);
    await pipe.close();
  }
}
