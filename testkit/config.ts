/** The one test configuration: through the real loader (lib/config/load-config.ts), so routes use the serverless.yml syntax. */
import { loadConfig } from '../lib/config/load-config';
import type { Config } from '../lib/config/types';

export const ISSUER = 'http://localhost:3000';
export const AUDIENCE = 'https://api.portcullis.local';
export const DEMO_SCOPES = { 'read:data': 'Read demo data', 'write:data': 'Write demo data', 'admin:all': 'Administer everything' };
export const DEMO_ROUTES = { 'GET /demo/data': 'read:data', 'POST /demo/data': 'write:data', 'GET /v2/demo/data': 'read:data', 'POST /v2/demo/data': 'write:data' };

export interface TestConfigOptions {
  /** custom.portcullis.routes syntax. */
  routes?: Record<string, unknown>;
  /** The scope catalogue. */
  scopes?: Record<string, string>;
  /** Any other PORTCULLIS_* variable. */
  env?: Record<string, string>;
}

export function testConfig(opts: TestConfigOptions = {}): Config {
  return loadConfig({
    PORTCULLIS_KEY_DIR: '/nonexistent',
    PORTCULLIS_ISSUER: ISSUER,
    PORTCULLIS_AUDIENCE: AUDIENCE,
    PORTCULLIS_SCOPES: JSON.stringify(opts.scopes ?? DEMO_SCOPES),
    PORTCULLIS_ROUTES: JSON.stringify(opts.routes ?? DEMO_ROUTES),
    PORTCULLIS_CLOCK_SKEW_SECONDS: '30',
    // nothing listens there: a background JWKS refresh in a test fails fast and keeps the injected keys
    PORTCULLIS_JWKS_URI: 'http://127.0.0.1:9/.well-known/jwks.json',
    ...opts.env,
  });
}
