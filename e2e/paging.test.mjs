// Paging as the people on call notice it (seed 003): a representative files production down;
// the person on call opens the link from the page's mail without signing in and acknowledges it
// with one click, and the steward on the ticket sees who is on it without reloading; a steward
// acknowledges another page right on the ticket.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, signedInPage, PEOPLE, BASE_URL, unique } from './support.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** Files a production-down incident through the form and returns its number. */
async function fileProductionDown(page, title) {
  await page.getByRole('link', { name: 'New request' }).click();
  await page.getByRole('heading', { name: 'New request' }).waitFor();
  await page.getByRole('radio', { name: 'Incident' }).check();
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Description').fill('Nobody can start a server.');
  await page.getByLabel('Affected service or hub').fill('hub.aurora.example');
  await page.getByLabel('When did it start?').fill('Ten minutes ago');
  await page.getByLabel('Who is affected, and how?').fill('Everyone; the hub answers 502.');
  await page.getByRole('radio', { name: 'Production down' }).check();
  await page.getByRole('button', { name: 'Submit request' }).click();
  await page.waitForURL(/\/tickets\/\d+$/);
  return Number(new URL(page.url()).pathname.split('/').pop());
}

test('the one on call acknowledges a page from its link without signing in, and the ticket shows it live', async () => {
  const rita = await signedInPage(browser, PEOPLE.rita);
  const title = `Hub down ${unique()}`;
  const number = await fileProductionDown(rita, title);

  const sam = await signedInPage(browser, PEOPLE.sam);
  await sam.goto(`/tickets/${number}`);
  const paging = sam.getByRole('region', { name: 'Paging' });
  await paging.getByText(/Not acknowledged yet; paged /).waitFor();
  // The requester's side sees nothing of it.
  await rita.reload();
  await rita.getByRole('heading', { name: `#${number} ${title}` }).waitFor();
  assert.equal(await rita.getByRole('region', { name: 'Paging' }).count(), 0);

  // The page's mail, as an admin reads it in the outbox (no mail server in this run), carries
  // the one-click link.
  const admin = await signedInPage(browser, PEOPLE.admin);
  await admin.goto('/mail');
  const row = admin.locator('tr', { hasText: `[Steward page] Production down: #${number}` }).first();
  await row.waitFor();
  await row.locator('summary').click();
  const mail = await row.locator('.mail-text').textContent();
  const link = mail.match(/https?:\/\/[^\s]+\/pages\/[A-Za-z0-9_-]+/)?.[0];
  assert.ok(link, `a link in the page mail: ${mail}`);

  // Opened on a phone that is signed in nowhere.
  const phone = await browser.newContext({ baseURL: BASE_URL, viewport: { width: 390, height: 844 } });
  const opened = await phone.newPage();
  await opened.goto(new URL(link).pathname);
  await opened.getByRole('heading', { name: new RegExp(`Production down: #${number}`) }).waitFor();
  await opened.getByRole('button', { name: 'Acknowledge the page' }).click();
  await opened.getByText('Acknowledged: the escalation has stopped').waitFor();
  await phone.close();

  // Sam's ticket page learns who took it from its stream.
  await paging.getByText(/Acknowledged by .+ at /).waitFor({ timeout: 10_000 });
  assert.equal(await paging.getByRole('button', { name: 'Acknowledge' }).count(), 0);
});

test('a steward acknowledges a page on the ticket with one click', async () => {
  const rita = await signedInPage(browser, PEOPLE.rita);
  const number = await fileProductionDown(rita, `Dask down ${unique()}`);
  const tess = await signedInPage(browser, PEOPLE.tess);
  await tess.goto(`/tickets/${number}`);
  const paging = tess.getByRole('region', { name: 'Paging' });
  await paging.getByRole('button', { name: 'Acknowledge' }).click();
  await paging.getByText(/Acknowledged by Tess Steward at /).waitFor();
  await tess.reload();
  await tess.getByRole('region', { name: 'Paging' }).getByText(/Acknowledged by Tess Steward/).waitFor();
  // The history says what the page did and who acknowledged it.
  await tess.locator('details.history summary').click();
  const history = tess.locator('details.history');
  await history.getByText(/paged .+, on call/).waitFor();
  await history.locator('li', { hasText: 'Tess Steward acknowledged the page' }).waitFor();
});
