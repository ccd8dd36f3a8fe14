// Transparency (seed 000), in the browser: while a representative of another community types a
// request, a matching public ticket is suggested; anyone can read it on the known-issues page
// without signing in; a confidential ticket is never shown there.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, signedInPage, PEOPLE, BASE_URL, unique, fileRequest } from './support.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('a matching public ticket is suggested while a request is typed, and anyone can read it', async () => {
  const word = `quokka${unique()}`;
  const rita = await signedInPage(browser, PEOPLE.rita);
  const number = await fileRequest(rita, `Notebooks crash when ${word} is imported`);

  // Bea, of another community, starts typing a request about the same thing.
  const bea = await signedInPage(browser, PEOPLE.bea);
  await bea.getByRole('link', { name: 'New request' }).click();
  await bea.getByRole('heading', { name: 'New request' }).waitFor();
  await bea.getByLabel('Title').fill(`Kernel dies with ${word}`);
  const suggested = bea.locator('aside.similar').getByRole('link', { name: new RegExp(`^#${number} `) });
  await suggested.waitFor();
  await suggested.click();
  await bea.getByRole('heading', { name: new RegExp(`^#${number} Notebooks crash`) }).waitFor();

  // Without signing in, the known-issues page shows it, with no e-mail address.
  const anonymous = await browser.newContext({ baseURL: BASE_URL });
  const page = await anonymous.newPage();
  await page.goto(`/known-issues/${number}`);
  await page.getByRole('heading', { name: new RegExp(`^#${number} Notebooks crash`) }).waitFor();
  assert.ok(!(await page.locator('main').textContent()).includes('@'), 'no e-mail address on the public page');
  await page.goto('/known-issues');
  await page.getByLabel('Search').fill(word);
  await page.getByLabel('Search').press('Enter');
  await page.getByRole('link', { name: new RegExp(`^#${number} `) }).waitFor();
  for (const context of [rita.context(), bea.context(), anonymous]) await context.close();
});

test('a confidential ticket is never on the known-issues page nor suggested', async () => {
  const word = `wombat${unique()}`;
  const rita = await signedInPage(browser, PEOPLE.rita);
  await rita.getByRole('link', { name: 'New request' }).click();
  await rita.getByRole('heading', { name: 'New request' }).waitFor();
  await rita.getByRole('radio', { name: 'Other' }).check();
  await rita.getByLabel('Title').fill(`Private ${word} matter`);
  await rita.getByLabel('Description').fill('Only for support.');
  await rita.getByRole('radio', { name: 'Normal' }).check();
  await rita.getByLabel('Confidential', { exact: true }).check();
  await rita.getByRole('button', { name: 'Submit request' }).click();
  await rita.waitForURL(/\/tickets\/\d+$/);
  const number = Number(new URL(rita.url()).pathname.split('/').pop());

  const anonymous = await browser.newContext({ baseURL: BASE_URL });
  const page = await anonymous.newPage();
  await page.goto(`/known-issues/${number}`);
  await page.getByRole('heading', { name: 'Not a public ticket' }).waitFor();

  // Typing its words suggests nothing, even to staff.
  const sam = await signedInPage(browser, PEOPLE.sam);
  await sam.getByRole('link', { name: 'New request' }).click();
  await sam.getByRole('heading', { name: 'New request' }).waitFor();
  await sam.getByLabel('Title').fill(`Private ${word} matter`);
  await sam.waitForTimeout(1500);
  assert.equal(await sam.locator('aside.similar', { hasText: word }).count(), 0, 'never suggested');
  for (const context of [rita.context(), sam.context(), anonymous]) await context.close();
});
