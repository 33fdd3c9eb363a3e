/**
 * The local stack's side of Lambda's log delivery: the functions write their audit events to stdout (one JSON line
 * each, lib/audit/stdout-sink.ts), serverless-offline runs them in its worker threads, so they arrive on the
 * serverless-offline process's stdout, mixed with its own output and the functions' operational logs. This splits
 * that stream into lines and appends the audit lines (a JSON object with `schema_version` and `event`) to the audit
 * file, in the order they were written; every line, audit or not, also goes to `log` (`npm start -- --verbose`).
 */
import { appendFileSync, chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export interface AuditCapture {
  /** A chunk of the child's stdout. */
  write(chunk: Buffer | string): void;
  /** Whatever is left after the last newline (the child exited). */
  end(): void;
  /** Audit lines appended so far. */
  readonly captured: number;
}

/** An audit event line: a JSON object with `event` and `schema_version` (operational logs and EMF have neither). */
export function isAuditLine(line: string): boolean {
  if (!line.startsWith('{') || !line.includes('"schema_version"')) return false;
  try {
    const v = JSON.parse(line) as Record<string, unknown>;
    return v !== null && typeof v === 'object' && typeof v.event === 'string' && typeof v.schema_version === 'number';
  } catch {
    return false;
  }
}

export function createAuditCapture(file: string, log: (line: string) => void = () => {}): AuditCapture {
  let rest = '';
  let captured = 0;
  let prepared = false;
  const append = (line: string) => {
    if (!prepared) {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      appendFileSync(file, '', { mode: 0o600 });
      chmodSync(file, 0o600);
      prepared = true;
    }
    appendFileSync(file, `${line}\n`, { mode: 0o600 });
    captured++;
  };
  const take = (line: string) => {
    if (isAuditLine(line)) {
      try {
        append(line);
      } catch (err) {
        log(`portcullis: could not append an audit event to ${file}: ${(err as Error).message}\n`);
      }
    }
    log(`${line}\n`);
  };
  return {
    write(chunk) {
      const text = rest + chunk.toString();
      const lines = text.split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) take(line.endsWith('\r') ? line.slice(0, -1) : line);
    },
    end() {
      if (rest) take(rest);
      rest = '';
    },
    get captured() {
      return captured;
    },
  };
}
