/**
 * Token contents are attacker-controlled: before they reach a terminal, control characters (ANSI escapes,
 * C1 CSI) and bidirectional overrides are shown as \u escapes, and very long values are cut.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const escape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** A line for the terminal. */
export const safeLine = (s: string): string => s.replace(UNSAFE, escape);

/** JSON for stdout: JSON.stringify leaves C1 controls and bidi overrides raw; \u escapes keep it valid JSON. */
export const safeJson = (v: unknown): string => JSON.stringify(v).replace(UNSAFE, escape);

/** A value cut to `max` characters, saying how long it was. */
export const cut = (s: string, max = 200): string => (s.length > max ? `${s.slice(0, max)}... (${s.length} characters)` : s);
