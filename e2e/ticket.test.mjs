// An open ticket page follows the ticket live: a steward's edits, replies, steps and links
// appear on the requester's page as they happen, without the page reading the ticket again,
// and what either of them is typing stays where it is.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, signedInPage, fileRequest, PEOPLE, unique } from './support.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** Counts the page's TicketService.GetTicket calls from now on. */
function countTicketReads(page) {
  const reads = { count: 0 };
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/steward.v1.TicketService/GetTicket') reads.count += 1;
  });
  return reads;
}

test('a ticket page applies every change live without reading the ticket again, and drafts stay', async () => {
  const title = `Live ticket page ${unique()}`;
  const rita = await signedInPage(browser, PEOPLE.rita);
  const ritaReads = countTicketReads(rita);
  const number = await fileRequest(rita, title);
  await rita.getByRole('heading', { name: `#${number} ${title}` }).waitFor();
  await rita.getByRole('status').filter({ hasText: 'Live' }).waitFor();
  const draft = 'Half-written answer that must survive';
  await rita.getByLabel('Message').fill(draft);

  const sam = await signedInPage(browser, PEOPLE.sam);
  const samReads = countTicketReads(sam);
  await sam.goto(`/tickets/${number}`);
  await sam.getByRole('heading', { name: `#${number} ${title}` }).waitFor();
  await sam.getByRole('status').filter({ hasText: 'Live' }).waitFor();

  // A triage edit: the badge changes on the requester's page.
  await sam.getByLabel('Priority', { exact: true }).selectOption({ label: 'Urgent' });
  await sam.getByRole('button', { name: 'Save changes' }).click();
  await sam.getByText('Saved.').waitFor();
  await rita.locator('.badge.priority', { hasText: 'Urgent' }).waitFor();

  // A public reply: it joins the conversation, and the ticket is acknowledged.
  const reply = `We are on it ${unique()}`;
  await sam.getByLabel('Message').fill(reply);
  await sam.getByRole('button', { name: 'Send' }).click();
  await rita.getByText(reply).waitFor();
  await rita.locator('.facts dd', { hasText: 'Not yet' }).waitFor({ state: 'detached' });

  // An internal note: the steward's choice of visibility stays for the next one, and the
  // requester never sees it.
  const note = `Internal: check the quota ${unique()}`;
  await sam.getByRole('radio', { name: 'Internal note' }).check();
  await sam.getByLabel('Message').fill(note);
  await sam.getByRole('button', { name: 'Send' }).click();
  await sam.getByText(note).waitFor();
  assert.ok(await sam.getByRole('radio', { name: 'Internal note' }).isChecked(), 'the visibility is kept');

  // A lifecycle step and a linked issue.
  await sam.getByRole('button', { name: 'Mark triaged' }).click();
  await rita.locator('.badge.state', { hasText: 'Open' }).waitFor();
  await sam.getByLabel('Issue address').fill('https://git.example.org/hub/issues/42');
  await sam.getByLabel('Issue title').fill(`Quota issue ${unique()}`);
  await sam.getByRole('button', { name: 'Link issue' }).click();
  await rita.getByRole('link', { name: /Quota issue/ }).waitFor();

  // The steward's page followed its own changes and the requester's the steward's, each from
  // its one first read; the requester's draft is untouched and the note never reached her.
  assert.equal(await rita.getByLabel('Message').inputValue(), draft);
  assert.equal(await rita.getByText(note).count(), 0);
  assert.equal(ritaReads.count, 1, 'the requester read the ticket once');
  assert.equal(samReads.count, 1, 'the steward read the ticket once');

  await rita.context().close();
  await sam.context().close();
});
