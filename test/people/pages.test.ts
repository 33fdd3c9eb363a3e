/** The hosted pages: branding from the configuration, the stylesheet's hash in the CSP, escaping, no script. */
import { createHash } from 'node:crypto';
import { testConfig } from '../../testkit/config';
import { loginPage } from '../../lib/ui/login-page';
import { errorPage } from '../../lib/ui/error-page';

const branding = testConfig({ env: { PORTCULLIS_BRANDING: JSON.stringify({ productName: 'Acme <ID>', primaryColor: '#0a7d38', backgroundColor: '#fff8e7' }) } }).branding;

test('branding: the product name (escaped) and the colours; the only style source is the inline stylesheet\'s exact hash', () => {
  const res = loginPage({ branding, action: '/prod/oauth2/login', clientName: 'Web', csrf: 'c', authRequest: 'a=1&b=<2>' });
  expect(res.body).toContain('<title>Sign in · Acme &lt;ID&gt;</title>');
  expect(res.body).toContain('<span class="mark" aria-hidden="true"></span>Acme &lt;ID&gt;</p>');
  expect(res.body).toContain('--primary:#0a7d38');
  expect(res.body).toContain('--bg:#fff8e7');
  expect(res.body).toContain('value="a=1&amp;b=&lt;2&gt;"');
  expect(res.body).toContain('action="/prod/oauth2/login"');
  const css = /<style>([\s\S]*?)<\/style>/.exec(res.body)![1];
  const hash = createHash('sha256').update(css, 'utf8').digest('base64');
  expect(res.headers['Content-Security-Policy']).toContain(`style-src 'self' 'sha256-${hash}';`);
  expect(res.body).not.toMatch(/<script|javascript:|\son[a-z]+=/i); // no script, no event handler attribute
});

test('the error page: 400 by default, the code shown, no form', () => {
  const res = errorPage({ branding, title: 'Unknown application', message: 'x <y>', code: 'invalid_request' });
  expect(res.statusCode).toBe(400);
  expect(res.body).toContain('<p class="lead">x &lt;y&gt;</p>');
  expect(res.body).not.toContain('<form');
  expect(res.headers).toMatchObject({ 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-store', 'X-Frame-Options': 'DENY' });
});
