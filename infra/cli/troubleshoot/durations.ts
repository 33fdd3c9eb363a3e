/** Times in plain words for the troubleshooting commands: "5 min", "2 h", ISO dates. */

/** A duration in whole seconds as "45 s", "5 min", "3 h", "2 days" (rounded down, never "0 min"). */
export function humanDuration(seconds: number): string {
  const s = Math.abs(Math.round(seconds));
  if (s < 90) return `${s} s`;
  if (s < 90 * 60) return `${Math.floor(s / 60)} min`;
  if (s < 48 * 3600) return `${Math.floor(s / 3600)} h`;
  return `${Math.floor(s / 86_400)} days`;
}

/** "in 5 min" or "5 min ago" from now to `atSeconds`. */
export function relative(atSeconds: number, nowSeconds: number): string {
  const d = atSeconds - nowSeconds;
  if (d === 0) return 'now';
  return d > 0 ? `in ${humanDuration(d)}` : `${humanDuration(d)} ago`;
}

/** Epoch seconds → ISO 8601 (UTC, no milliseconds). */
export const isoSeconds = (seconds: number): string => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');

/** Milliseconds as "800 ms", "2 s", "5.5 s". */
export function humanMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}
