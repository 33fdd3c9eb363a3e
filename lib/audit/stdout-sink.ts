/**
 * The audit sink of every function: each event is one JSON line written to stdout synchronously (sync-write.ts)
 * before `emit` returns, so before the handler answers. Lambda's advanced logging controls deliver the function's
 * stdout to the audit log group (serverless.yml: provider.logs.lambda); the local stack captures it into
 * `.local/audit.log` (infra/local/stack.ts). Nothing is buffered, nothing waits for a next invocation.
 * If stdout cannot take the line, `emit` throws: the authorizer then denies and the endpoints answer an error,
 * so no decision is ever acted on unaudited.
 */
import type { Clock } from '../core/clock';
import { AuditEntryBuilder, type AuditEntry } from './entry';
import { writeLineSync } from './sync-write';
import type { AuditEvent, AuditSink } from './types';

/** Writes one line (ending in "\n") synchronously, or throws. */
export type SyncLineWriter = (line: string) => void;

/** File descriptor 1: the process's stdout, below Node's stream (which may buffer in a worker thread). */
export const stdoutLineWriter: SyncLineWriter = (line) => writeLineSync(1, line);

export interface StdoutSinkOptions {
  stage: string;
  functionName: string;
  clock: Clock;
  /** Where lines go (tests capture them); default fd 1. */
  write?: SyncLineWriter;
}

const RESOLVED = Promise.resolve();

export class StdoutAuditSink implements AuditSink {
  private readonly builder: AuditEntryBuilder;
  private readonly write: SyncLineWriter;

  constructor(opts: StdoutSinkOptions) {
    this.builder = new AuditEntryBuilder(opts.stage, opts.functionName, opts.clock);
    this.write = opts.write ?? stdoutLineWriter;
  }

  emit(event: AuditEvent): void {
    let entry: AuditEntry;
    try {
      entry = this.builder.build(event);
    } catch {
      entry = this.builder.unbuildable();
    }
    this.write(`${entry.message}\n`);
  }

  /** Every event is out of the process when emit returns. */
  flush(): Promise<void> {
    return RESOLVED;
  }

  maybeFlush(): Promise<void> {
    return RESOLVED;
  }
}
