/**
 * Where the benchmarks' audit lines go: a pipe whose other end a child process drains, as Lambda's log agent
 * drains a function's stdout. Each line is one synchronous write(2) through the functions' own writer
 * (lib/audit/sync-write.ts), so the CPU of the system call is measured with the rest.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeLineSync } from '../../lib/audit/sync-write';
import type { SyncLineWriter } from '../../lib/audit/stdout-sink';

export interface AuditPipe {
  write: SyncLineWriter;
  /** Lines written so far. */
  readonly lines: number;
  close(): Promise<void>;
}

export function openAuditPipe(): AuditPipe {
  const child: ChildProcess = spawn('cat', [], { stdio: ['pipe', 'ignore', 'inherit'] });
  const fd = (child.stdin as unknown as { _handle: { fd: number } })._handle.fd;
  if (typeof fd !== 'number' || fd < 0) throw new Error('bench: no file descriptor for the audit pipe');
  let lines = 0;
  return {
    write: (line) => {
      writeLineSync(fd, line);
      lines++;
    },
    get lines() {
      return lines;
    },
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.stdin!.end();
      }),
  };
}
