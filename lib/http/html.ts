/** Escaping for server-rendered HTML: every value that reaches a page goes through `escapeHtml` or the `html` tag. */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"'`]/g, (c) => ESCAPES[c]);
}

/** Already-escaped markup, so the `html` tag does not escape it twice. */
export class SafeHtml {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** A template tag: interpolated values are escaped, SafeHtml (and arrays of it) kept as is. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0];
  values.forEach((v, i) => {
    const part = Array.isArray(v) ? v.map((x) => (x instanceof SafeHtml ? x.text : escapeHtml(x))).join('') : v instanceof SafeHtml ? v.text : escapeHtml(v);
    out += part + strings[i + 1];
  });
  return new SafeHtml(out);
}
