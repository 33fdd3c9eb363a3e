/**
 * Last chance for buffered events when the container is shut down. Lambda sends SIGTERM to
 * the runtime before it stops a container only when an extension is registered; without one
 * the container is frozen and dropped silently (see README, "Delivery guarantees").
 * On SIGTERM every live sink prints what it still holds as stdout fallback lines, then the
 * signal is raised again so the default behaviour (exit) is kept.
 */
export interface Drainable {
  /** Writes every event not yet confirmed to stdout, synchronously. */
  drainToStdout(reason: string): void;
}

const live = new Set<Drainable>();
let installed = false;

function onSigterm(): void {
  for (const sink of live) {
    try {
      sink.drainToStdout('shutdown');
    } catch {
      // keep draining the others
    }
  }
  installed = false;
  if (process.listenerCount('SIGTERM') === 0) process.kill(process.pid, 'SIGTERM');
}

/** Registers a sink to drain on SIGTERM; returns the unregister function. */
export function drainOnShutdown(sink: Drainable): () => void {
  live.add(sink);
  if (!installed) {
    installed = true;
    process.once('SIGTERM', onSigterm);
  }
  return () => {
    live.delete(sink);
  };
}
