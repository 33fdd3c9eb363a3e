/**
 * Local stack sink: appends each event as a JSON line to a file under `.local/` (created
 * with mode 0600, directory 0700) and prints the same line to stdout. Writes are synchronous,
 * so `flush` has nothing left to wait for. If the file cannot be written, the line goes to
 * stdout marked `"audit_fallback": true`.
 */
import { appendFileSync, chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Clock } from '../core/clock';
import { AuditEntryBuilder, fallbackLine } from './entry';
import type { StdoutFallback } from './fallback';
import type { AuditEvent, AuditSink } from './types';

export interface FileSinkOptions {
  file: string;
  stage: string;
  functionName: string;
  clock: Clock;
  /** Prints each line to stdout too, and takes the lines the file refused. */
  fallback: StdoutFallback;
}

const RESOLVED = Promise.resolve();

export class FileAuditSink implements AuditSink {
  private readonly builder: AuditEntryBuilder;
  private prepared = false;

  constructor(private readonly opts: FileSinkOptions) {
    this.builder = new AuditEntryBuilder(opts.stage, opts.functionName, opts.clock);
  }

  emit(event: AuditEvent): void {
    const entry = this.opts.fallback.build(this.builder, event, this.opts.clock.now());
    if (!entry) return;
    try {
      this.append(entry.message);
    } catch (err) {
      const code = (err as { code?: unknown })?.code;
      this.opts.fallback.line(fallbackLine(entry, typeof code === 'string' ? code : 'file_write_failed'));
      this.opts.fallback.count(1);
      return;
    }
    this.opts.fallback.line(entry.message);
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
