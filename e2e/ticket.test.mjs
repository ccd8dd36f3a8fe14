// An open ticket page follows the ticket live: a steward's edits, replies, steps and links
// appear on the requester's page as they happen, without the page reading the ticket again,
// and what either of them is typing stays where it is.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, signedInPage, fileRequest, PEOPLE, PASSWORD, unique } from './support.mjs';

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
  // The tab says which ticket it is.
  await sam.waitForFunction((expected) => document.title === expected, `#${number} ${title} · Steward`);

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

test('after a short network drop the indicator is back to Live within a second, with the ticket and the draft still shown', async () => {
  const title = `Network drop ${unique()}`;
  const rita = await signedInPage(browser, PEOPLE.rita);
  const number = await fileRequest(rita, title);
  const heading = rita.getByRole('heading', { name: `#${number} ${title}` });
  await heading.waitFor();
  const indicator = rita.locator('.live-indicator');
  await indicator.filter({ hasText: 'Live' }).waitFor();
  await rita.getByLabel('Message').fill('Typed before the drop');

  const sam = await signedInPage(browser, PEOPLE.sam);
  await rita.context().setOffline(true);
  await indicator.filter({ hasText: 'Offline' }).waitFor({ timeout: 1_000 });
  // A reply while the requester is offline.
  await sam.goto(`/tickets/${number}`);
  const reply = `Answered during the drop ${unique()}`;
  await sam.getByLabel('Message').fill(reply);
  await sam.getByRole('button', { name: 'Send' }).click();
  await sam.getByText(reply).waitFor();
  await rita.waitForTimeout(2_500);

  await rita.context().setOffline(false);
  const back = Date.now();
  await indicator.filter({ hasText: 'Live' }).waitFor({ timeout: 5_000 });
  const seconds = (Date.now() - back) / 1000;
  console.log(`# live again ${seconds.toFixed(2)} s after the network came back`);
  assert.ok(seconds <= 1.0, `the indicator says Live within a second (took ${seconds} s)`);
  await rita.getByText(reply).waitFor(); // nothing missed
  await heading.waitFor();
  assert.equal(await rita.getByLabel('Message').inputValue(), 'Typed before the drop');
  assert.equal(await rita.locator('.ticket').count(), 1, 'the ticket was never replaced by an error');

  await rita.context().close();
  await sam.context().close();
});

test('a failed background read keeps the page, says so beside it, and tries again', async () => {
  const title = `Failed refresh ${unique()}`;
  const rita = await signedInPage(browser, PEOPLE.rita);
  const number = await fileRequest(rita, title);
  await rita.getByRole('heading', { name: `#${number} ${title}` }).waitFor();
  await rita.locator('.live-indicator', { hasText: 'Live' }).waitFor();
  // The new message's read fails (as if the server answered 503) until the route is lifted.
  const failing = (route) => route.fulfill({ status: 503, body: 'unavailable' });
  await rita.route('**/steward.v1.TicketService/ListComments', failing);

  const sam = await signedInPage(browser, PEOPLE.sam);
  await sam.goto(`/tickets/${number}`);
  const reply = `Arrives after a retry ${unique()}`;
  await sam.getByLabel('Message').fill(reply);
  await sam.getByRole('button', { name: 'Send' }).click();

  const note = rita.locator('.stale', { hasText: 'may be out of date' });
  await note.waitFor();
  await rita.getByRole('heading', { name: `#${number} ${title}` }).waitFor();
  await rita.getByLabel('Message').waitFor(); // the reply box is still there
  await rita.unroute('**/steward.v1.TicketService/ListComments', failing);
  await rita.getByText(reply).waitFor({ timeout: 20_000 });
  await note.waitFor({ state: 'detached' });

  await rita.context().close();
  await sam.context().close();
});

test('when the session ends the page asks for a sign-in and gives back what was being typed', async () => {
  const title = `Session ends ${unique()}`;
  const rita = await signedInPage(browser, PEOPLE.rita);
  const number = await fileRequest(rita, title);
  await rita.locator('.live-indicator', { hasText: 'Live' }).waitFor();
  const draft = 'A long answer I do not want to type twice';
  await rita.getByLabel('Message').fill(draft);

  // Signed out in another tab: the stream of this one ends with Unauthenticated.
  const other = await rita.context().newPage();
  await other.goto('/tickets');
  await other.getByRole('button', { name: 'Sign out' }).click();
  await other.waitForURL(/\/signin/);
  await rita.waitForURL(/\/signin\?next=/);

  await rita.getByLabel('Email').fill(PEOPLE.rita);
  await rita.getByLabel('Password').fill(PASSWORD);
  await rita.getByRole('button', { name: 'Sign in' }).click();
  await rita.getByRole('heading', { name: `#${number} ${title}` }).waitFor();
  assert.equal(await rita.getByLabel('Message').inputValue(), draft, 'the draft is back');

  // Sent, it is forgotten: a reload shows an empty box.
  await rita.getByRole('button', { name: 'Send' }).click();
  await rita.locator('.entry', { hasText: draft }).waitFor();
  await rita.reload();
  await rita.getByRole('heading', { name: `#${number} ${title}` }).waitFor();
  assert.equal(await rita.getByLabel('Message').inputValue(), '');
  await rita.context().close();
});
