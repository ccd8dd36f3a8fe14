// Files as people attach them (issue 14): a representative attaches a screenshot to a new request
// (it uploads with its progress, then shows in place on the ticket), a steward adds a log to an
// internal note that the representative never sees, and a file over the limit is refused in words.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, signedInPage, PEOPLE, unique } from './support.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** A one-pixel PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg==',
  'base64',
);

test('a screenshot attached to a request shows on the ticket, and an internal note keeps its file to the team', async () => {
  const rita = await signedInPage(browser, PEOPLE.rita);
  await rita.getByRole('link', { name: 'New request' }).click();
  await rita.getByRole('heading', { name: 'New request' }).waitFor();
  await rita.getByRole('radio', { name: 'Other' }).check();
  const title = `Spawn error ${unique()}`;
  await rita.getByLabel('Title').fill(title);
  await rita.getByLabel('Description').fill('The screenshot shows the error.');
  await rita.getByRole('radio', { name: 'Normal' }).check();
  await rita.locator('#request-files').setInputFiles({ name: 'spawn-error.png', mimeType: 'image/png', buffer: PNG });
  await rita.locator('ul.chosen-files li', { hasText: 'spawn-error.png' }).getByText('ready').waitFor();
  await rita.getByRole('button', { name: 'Submit request' }).click();
  await rita.waitForURL(/\/tickets\/\d+$/);
  const number = Number(new URL(rita.url()).pathname.split('/').pop());
  const preview = rita.getByRole('img', { name: 'spawn-error.png' });
  await preview.waitFor();
  assert.ok(await preview.evaluate((img) => img.complete && img.naturalWidth === 1), 'the image loads in place');

  const sam = await signedInPage(browser, PEOPLE.sam);
  await sam.goto(`/tickets/${number}`);
  await sam.getByRole('img', { name: 'spawn-error.png' }).waitFor();
  await sam.getByRole('radio', { name: 'Internal note' }).check();
  await sam.getByLabel('Message').fill('Node logs attached.');
  await sam.locator('#reply-files').setInputFiles({ name: 'node.log', mimeType: 'text/plain', buffer: Buffer.from('OOMKilled') });
  await sam.locator('ul.chosen-files li', { hasText: 'node.log' }).getByText('ready').waitFor();
  await sam.getByRole('button', { name: 'Send' }).click();
  const link = sam.getByRole('link', { name: 'node.log' });
  await link.waitFor();
  const download = sam.waitForEvent('download');
  await link.click();
  assert.equal((await download).suggestedFilename(), 'node.log', 'it downloads with its name');

  // Rita's page follows live: the note (and its file) never reach her.
  await rita.waitForTimeout(1000);
  assert.equal(await rita.getByText('Node logs attached.').count(), 0);
  assert.equal(await rita.getByRole('link', { name: 'node.log' }).count(), 0);
});

test('a file over the limit is refused beside the picker, and the message can still be sent', async () => {
  const rita = await signedInPage(browser, PEOPLE.rita);
  await rita.getByRole('link', { name: 'New request' }).click();
  await rita.getByRole('heading', { name: 'New request' }).waitFor();
  const huge = Buffer.alloc(26_000_000, 1);
  await rita.locator('#request-files').setInputFiles({ name: 'dump.bin', mimeType: 'application/octet-stream', buffer: huge });
  const refused = rita.locator('ul.chosen-files li', { hasText: 'dump.bin' }).getByRole('alert');
  await refused.waitFor();
  assert.match(await refused.textContent(), /files up to 25 MB are taken/);
  await rita.getByRole('button', { name: 'Remove dump.bin' }).click();
  assert.equal(await rita.locator('ul.chosen-files li').count(), 0);
});
