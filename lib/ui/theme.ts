/**
 * The hosted pages' stylesheet, built from the branding (custom.portcullis.branding: product name and two hex
 * colours, validated by the config loader so they cannot break out of the CSS). Inlined in a <style> element whose
 * SHA-256 is the only style source the Content-Security-Policy allows; no script anywhere.
 */
import { createHash } from 'node:crypto';
import type { Branding } from '../config/types';

export interface Theme {
  css: string;
  /** CSP source for the inline stylesheet: `sha256-…`. */
  styleHash: string;
}

/** #rgb or #rrggbb → [r, g, b]. */
function rgb(hex: string): [number, number, number] {
  const h = hex.length === 4 ? hex.slice(1).replace(/./g, (c) => c + c) : hex.slice(1);
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number];
}

/** Black or white, whichever reads better on `hex` (WCAG relative luminance). */
function onColour(hex: string): string {
  const [r, g, b] = rgb(hex).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.35 ? '#111827' : '#ffffff';
}

const cache = new Map<string, Theme>();

export function themeFor(branding: Branding): Theme {
  const key = `${branding.primaryColor}|${branding.backgroundColor}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const css = `
:root{--primary:${branding.primaryColor};--on-primary:${onColour(branding.primaryColor)};--bg:${branding.backgroundColor};--text:#1f2937;--muted:#5b6473;--line:#d6dae1;--error:#b42318;--error-bg:#fef3f2}
*{box-sizing:border-box}
html,body{margin:0;padding:0}
body{min-height:100vh;background:var(--bg);color:var(--text);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;display:flex;align-items:center;justify-content:center;padding:24px}
main{width:100%;max-width:400px}
main.wide{max-width:680px}
.card{background:#fff;border:1px solid var(--line);border-radius:12px;box-shadow:0 1px 2px rgba(16,24,40,.05),0 8px 24px rgba(16,24,40,.06);padding:32px}
.brand{display:flex;align-items:center;gap:10px;margin:0 0 24px;font-weight:650;font-size:15px;letter-spacing:.01em;color:var(--text)}
.brand .mark{width:28px;height:28px;border-radius:8px;background:var(--primary);display:inline-block;flex:none}
h1{font-size:22px;line-height:1.3;margin:0 0 6px;font-weight:650}
h2{font-size:15px;line-height:1.4;margin:20px 0 8px;font-weight:600}
.lead{margin:0 0 24px;color:var(--muted);font-size:15px;overflow-wrap:anywhere}
.lead strong{color:var(--text);font-weight:600}
label{display:block;font-weight:550;font-size:14px;margin:0 0 6px}
input[type=text],input[type=password]{display:block;width:100%;font:inherit;padding:10px 12px;border:1px solid var(--line);border-radius:8px;background:#fff;color:var(--text);margin:0 0 16px}
input:focus,button:focus{outline:3px solid color-mix(in srgb,var(--primary) 35%,transparent);outline-offset:1px;border-color:var(--primary)}
button{display:block;width:100%;font:inherit;font-weight:600;padding:11px 16px;border-radius:8px;border:1px solid var(--primary);background:var(--primary);color:var(--on-primary);cursor:pointer}
button.secondary{background:#fff;color:var(--text);border-color:var(--line)}
.actions{display:flex;gap:12px;margin-top:24px}
.actions button{flex:1}
.alert{border:1px solid #fecdca;background:var(--error-bg);color:var(--error);border-radius:8px;padding:10px 12px;margin:0 0 20px;font-size:14px}
.scopes{list-style:none;margin:0;padding:0;border:1px solid var(--line);border-radius:8px}
.scopes li{padding:10px 12px;border-top:1px solid var(--line)}
.scopes li:first-child{border-top:0}
.scopes .name{display:block;font-size:13px;color:var(--muted);font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
.who{font-size:14px;color:var(--muted);margin:16px 0 0}
.foot{margin:20px 0 0;text-align:center;font-size:13px;color:var(--muted)}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px;overflow-wrap:anywhere}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f7f8fa;border:1px solid var(--line);border-radius:8px;padding:12px;font-size:13px}
a{color:var(--primary)}
a.button{display:block;text-align:center;text-decoration:none;font-weight:600;padding:11px 16px;border-radius:8px;background:var(--primary);color:var(--on-primary)}
`.trim();
  const theme = { css, styleHash: `sha256-${createHash('sha256').update(css, 'utf8').digest('base64')}` };
  cache.set(key, theme);
  return theme;
}
