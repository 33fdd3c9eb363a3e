/**
 * A real browser for the tests: Debian's Chromium (`apt-get install -y chromium`; nothing downloads a browser here)
 * driven by playwright-core. Playwright gives every launch a fresh temporary profile (its own --user-data-dir) and
 * every context its own cookie jar. Background networking is off: this machine refuses Chromium's own connections.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.PORTCULLIS_CHROMIUM || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (bash .ci/run installs it)`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** A page that records every dialog (alert, confirm, prompt): a test of escaping asserts there was none. */
export async function watchedPage(context: BrowserContext): Promise<{ page: Page; dialogs: string[] }> {
  const page = await context.newPage();
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  return { page, dialogs };
}

/** A client application's redirect URI endpoint on 127.0.0.1 (a loopback redirect URI): it records what it receives. */
export interface ClientApp {
  origin: string;
  port: number;
  /** The query of every request, in order. */
  received: URLSearchParams[];
  close(): Promise<void>;
}

export async function startClientApp(): Promise<ClientApp> {
  const received: URLSearchParams[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    received.push(url.searchParams);
    res.writeHead(200, { 'content-type': 'text/html;charset=utf-8', 'cache-control': 'no-store' });
    res.end(`<!doctype html><title>client app</title><p id="done">back at the client: ${url.searchParams.has('code') ? 'code' : 'no code'}</p>`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    received,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** An authorization request URL for `issuer` with a fresh PKCE pair (state `st-123`, scope read:data unless overridden). */
export function authorizeUrl(issuer: string, clientId: string, redirectUri: string, over: Record<string, string> = {}) {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const q = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: redirectUri, scope: 'read:data', state: 'st-123', code_challenge: challenge, code_challenge_method: 'S256', ...over });
  return { url: `${issuer}/oauth2/authorize?${q}`, verifier };
}

/** Fills in the sign-in form and submits it; resolves once the next page has loaded (the client, or the form again). */
export async function submitSignIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Sign in' }).click()]);
}

/** Exchanges a code at the token endpoint: client_secret_basic, or `client_id` alone for a public client. */
export async function exchangeCode(issuer: string, code: string, verifier: string, client: { client_id: string; client_secret?: string }, redirectUri: string) {
  const res = await fetch(`${issuer}/oauth2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(client.client_secret ? { authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}` } : {}),
    },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier, ...(client.client_secret ? {} : { client_id: client.client_id }) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}
