// The web app runs under its strict Content-Security-Policy (WebAssembly included) with no
// violation on any page a person visits, signed in or not.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, signedInPage, PEOPLE, BASE_URL } from './support.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** Records every CSP violation the page reports, from its first script on. */
async function watchViolations(page) {
  const violations = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await page.exposeFunction('__reportViolation', (text) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      window.__reportViolation(`${event.violatedDirective} blocked ${event.blockedURI}`);
    });
  });
  return violations;
}

test('every page runs under the Content-Security-Policy with no violation', async () => {
  const anonymous = await (await browser.newContext({ baseURL: BASE_URL })).newPage();
  const publicViolations = await watchViolations(anonymous);
  const response = await anonymous.goto('/known-issues');
  assert.match(response.headers()['content-security-policy'] ?? '', /frame-ancestors 'none'/);
  await anonymous.getByRole('heading', { name: /Known issues/ }).waitFor();
  await anonymous.goto('/support');
  await anonymous.getByRole('heading').first().waitFor();

  const admin = await signedInPage(browser, PEOPLE.admin);
  const violations = await watchViolations(admin);
  for (const [path, heading] of [
    ['/tickets', 'Tickets'],
    ['/tickets/1', /#1 /],
    ['/board', 'Board'],
    ['/triage', /Triage/],
    ['/settings', /Settings/],
    ['/new', 'New request'],
  ]) {
    await admin.goto(path);
    await admin.getByRole('heading', { name: heading }).first().waitFor();
  }
  assert.deepEqual(publicViolations, [], 'no violation on the public pages');
  assert.deepEqual(violations, [], 'no violation on the signed-in pages');
  await anonymous.context().close();
  await admin.context().close();
});
