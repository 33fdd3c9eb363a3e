/**
 * A real browser for the tests: Debian's Chromium (`apt-get install -y chromium`; nothing downloads a browser here)
 * driven by playwright-core. Playwright gives every launch a fresh temporary profile (its own --user-data-dir) and
 * every context its own cookie jar. Background networking is off: this machine refuses Chromium's own connections.
 */
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
