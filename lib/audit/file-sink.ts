/**
 * The audit sink of the admin CLI on the local stack: appends each event as a JSON line to the local stack's
 * audit file (created with mode 0600, directory 0700), the file the stack appends its functions' audit lines to.
 * Writes are synchronous (one append per line), so `flush` has nothing left to wait for. A line the file refuses
 * goes to stderr marked `"audit_fallback": true` (the CLI's stdout is its output).
 */
import { appendFileSync, chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Clock } from '../core/clock';
import { AuditEntryBuilder, type AuditEntry } from './entry';
import type { AuditEvent, AuditSink } from './types';

export interface FileSinkOptions {
  file: string;
  stage: string;
  functionName: string;
  clock: Clock;
  /** Where a line the file refused goes; default stderr. */
  fallback?: (line: string) => void;
}

const RESOLVED = Promise.resolve();
const SAFE_REASON = /^[A-Za-z0-9_.:-]{1,64}$/;

/** The line marked as not written where it belonged, with why. */
export function fallbackLine(entry: AuditEntry, reason: string): string {
  return `{"audit_fallback":true,"fallback_reason":"${SAFE_REASON.test(reason) ? reason : 'error'}",${entry.message.slice(1)}`;
}

export class FileAuditSink implements AuditSink {
  private readonly builder: AuditEntryBuilder;
  private prepared = false;

  constructor(private readonly opts: FileSinkOptions) {
    this.builder = new AuditEntryBuilder(opts.stage, opts.functionName, opts.clock);
  }

  emit(event: AuditEvent): void {
    let entry: AuditEntry;
    try {
      entry = this.builder.build(event);
    } catch {
      entry = this.builder.unbuildable();
    }
    try {
      this.append(entry.message);
    } catch (err) {
      const code = (err as { code?: unknown })?.code;
      const line = fallbackLine(entry, typeof code === 'string' ? code : 'file_write_failed');
      try {
        (this.opts.fallback ?? ((l: string) => void process.stderr.write(`${l}\n`)))(line);
      } catch {
        // nowhere left to write to
      }
    }
  }

  flush(): Promise<void> {
    return RESOLVED;
  }

  maybeFlush(): Promise<void> {
    return RESOLVED;
  }

  private append(line: string): void {
    const { file } = this.opts;
    if (!this.prepared) {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      appendFileSync(file, '', { mode: 0o600 });
      chmodSync(file, 0o600);
      this.prepared = true;
    }
    appendFileSync(file, `${line}\n`, { mode: 0o600 });
  }
}
