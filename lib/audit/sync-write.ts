/**
 * One line to a file descriptor, synchronously: when this returns the line is in the kernel (the pipe Lambda
 * reads a function's stdout from, or a file), so a crash right after cannot lose it, and lines keep their order.
 * No buffer in the process. A pipe whose reader is slow may be full (EAGAIN when the descriptor is non-blocking):
 * the write is retried, sleeping 1 ms between tries, for at most `maxWaitMs`; a short write goes on from where it
 * stopped. Throws when the line could not be written whole.
 */
import { writeSync } from 'node:fs';

const SLEEP = new Int32Array(new SharedArrayBuffer(4));
const sleepMs = (ms: number) => Atomics.wait(SLEEP, 0, 0, ms);

export class AuditWriteError extends Error {
  constructor(readonly code: string) {
    super(`the audit line could not be written (${code})`);
    this.name = 'AuditWriteError';
  }
}

type WriteSync = (fd: number, data: string | Buffer, offset?: number, length?: number) => number;

/** `line` must end with "\n". `write` is node:fs writeSync (tests inject a failing one). */
export function writeLineSync(fd: number, line: string, maxWaitMs = 2_000, write: WriteSync = writeSync as WriteSync): void {
  let buf: Buffer | undefined;
  let off = 0;
  let waited = 0;
  for (;;) {
    try {
      if (buf === undefined) {
        // The common case: the whole line in one write(2), no Buffer built.
        const n = write(fd, line);
        if (n === Buffer.byteLength(line)) return;
        buf = Buffer.from(line);
        off = n;
      } else {
        off += write(fd, buf, off, buf.length - off);
      }
      if (off >= buf.length) return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException)?.code ?? 'error';
      if (code !== 'EAGAIN' || waited >= maxWaitMs) throw new AuditWriteError(code);
      sleepMs(1);
      waited++;
    }
  }
}
