// The foundation, as people use it: a representative files a request with its type's form, a
// steward answers publicly and notes internally, the representative sees only the reply;
// another community's representative cannot open the ticket; a member's request waits for a
// representative's approval.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, signedInPage, PEOPLE, unique, fileRequest, addTickets, removeTickets } from './support.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** Files a change request through the form and returns its number (from the URL). */
async function fileChangeRequest(page, title) {
  await page.getByRole('link', { name: 'New request' }).click();
  await page.getByRole('heading', { name: 'New request' }).waitFor();
  await page.getByRole('radio', { name: 'Change request' }).check();
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Description').fill('The course needs a newer numpy.');
  await page.getByLabel('Which hub or environment?').fill('hub.aurora.example');
  await page.getByLabel('What should change?').fill('Upgrade numpy to 2.1');
  await page.getByLabel('Why, and by when?').fill('Spring term starts in January.');
  await page.getByRole('radio', { name: 'Normal' }).check();
  await page.getByRole('button', { name: 'Submit request' }).click();
  await page.waitForURL(/\/tickets\/\d+$/);
  return Number(new URL(page.url()).pathname.split('/').pop());
}

test('a representative files a request; a steward replies and notes; the representative sees only the reply', async () => {
  const title = `Upgrade numpy ${unique()}`;
  const rita = await signedInPage(browser, PEOPLE.rita);

  // The form explains the priority scale beside it, and enforces its own questions.
  await rita.getByRole('link', { name: 'New request' }).click();
  await rita.getByRole('radio', { name: 'Change request' }).check();
  await rita.getByText('Priority and response times').waitFor();
  await rita.getByText('First response within 30 minutes, 24/7.').waitFor();
  await rita.getByLabel('Title').fill(title);
  await rita.getByLabel('Description').fill('Draft that must survive an error.');
  await rita.getByRole('radio', { name: 'Normal' }).check();
  await rita.getByRole('button', { name: 'Submit request' }).click();
  // The server names the missing answer next to its field, and nothing typed is lost.
  await rita.getByText(/is required/).first().waitFor();
  assert.equal(await rita.getByLabel('Title').inputValue(), title);

  const number = await fileChangeRequest(rita, title);
  await rita.getByRole('heading', { name: `#${number} ${title}` }).waitFor();

  const sam = await signedInPage(browser, PEOPLE.sam);
  await sam.getByRole('link', { name: title }).click();
  await sam.getByRole('heading', { name: `#${number} ${title}` }).waitFor();
  await sam.getByText('Upgrade numpy to 2.1').waitFor(); // the form's answers reach triage
  const reply = `We will plan this for the next sprint ${unique()}`;
  await sam.getByLabel('Message').fill(reply);
  await sam.getByRole('radio', { name: 'Public reply' }).check();
  await sam.getByRole('button', { name: 'Send' }).click();
  await sam.getByText(reply).waitFor();
  const note = `Needs a rebuild of the image ${unique()}`;
  await sam.getByLabel('Message').fill(note);
  await sam.getByRole('radio', { name: 'Internal note' }).check();
  await sam.getByRole('button', { name: 'Send' }).click();
  await sam.getByText(note).waitFor();
  await sam.getByRole('listitem').filter({ hasText: note }).getByText('Internal note').waitFor();

  await rita.reload();
  await rita.getByText(reply).waitFor();
  assert.equal(await rita.getByText(note).count(), 0, 'the representative never sees the internal note');
  assert.equal(await rita.getByRole('radio', { name: 'Internal note' }).count(), 0);

  await rita.context().close();
  await sam.context().close();
});

test("another community's representative opening a ticket by URL sees not found", async () => {
  const rita = await signedInPage(browser, PEOPLE.rita);
  const number = await fileChangeRequest(rita, `Private to Aurora ${unique()}`);
  await rita.context().close();

  const bea = await signedInPage(browser, PEOPLE.bea);
  await bea.goto(`/tickets/${number}`);
  await bea.getByRole('heading', { name: 'Ticket not found' }).waitFor();
  assert.equal(await bea.getByText('Private to Aurora').count(), 0);
  // The same answer as a ticket that does not exist.
  await bea.goto('/tickets/999999');
  await bea.getByRole('heading', { name: 'Ticket not found' }).waitFor();
  await bea.context().close();
});

test('a representative finds nothing at the address of a staff page, and her navigation does not offer one', async () => {
  const rita = await signedInPage(browser, PEOPLE.rita);
  const nav = rita.getByRole('navigation', { name: 'Main' });
  for (const [path, link] of [['/triage', 'Triage'], ['/mail', 'Email'], ['/settings', 'Settings']]) {
    assert.equal(await nav.getByRole('link', { name: link, exact: true }).count(), 0, `no ${link} link`);
    await rita.goto(path);
    await rita.getByRole('heading', { name: 'Page not found' }).waitFor();
    assert.equal(await rita.title(), 'Page not found · Steward');
  }
  await rita.context().close();
});

test("a member's request waits for a representative's approval", async () => {
  const title = `Share notebooks ${unique()}`;
  const milo = await signedInPage(browser, PEOPLE.milo);
  await milo.getByRole('link', { name: 'New request' }).click();
  await milo.getByRole('radio', { name: 'Guidance request' }).check();
  await milo.getByText(/approval/i).first().waitFor(); // told before submitting
  await milo.getByLabel('Title').fill(title);
  await milo.getByLabel('Description').fill('How can students get copies of my notebooks?');
  await milo.getByLabel('What do you need guidance on?').fill('Distributing notebooks');
  await milo.getByRole('radio', { name: 'Normal' }).check();
  await milo.getByRole('button', { name: 'Submit request' }).click();
  await milo.waitForURL(/\/tickets\/\d+$/);
  await milo.getByText('Awaiting approval').first().waitFor();

  // Support does not see it as work yet: a representative must approve first. Her navigation
  // counts what waits for her.
  const rita = await signedInPage(browser, PEOPLE.rita);
  const waiting = rita.locator('nav a[href="/approvals"] .count');
  await waiting.waitFor();
  const before = Number(await waiting.textContent());
  assert.ok(before >= 1, `${before} waiting`);
  await rita.getByRole('link', { name: 'Approvals' }).click();
  await rita.getByRole('heading', { name: 'Requests awaiting your approval' }).waitFor();
  const row = rita.locator('li, tr, article', { hasText: title }).first();
  await row.waitFor();
  await row.getByRole('button', { name: 'Approve' }).click();
  await rita.locator('li, tr, article', { hasText: title }).first().waitFor({ state: 'detached' });
  const counted = async () => ((await waiting.count()) === 0 ? 0 : Number(await waiting.textContent()));
  await rita.waitForFunction(
    (expected) => Number(document.querySelector('nav a[href="/approvals"] .count')?.textContent ?? 0) === expected,
    before - 1,
  );
  // And it stays right on the next page.
  await rita.getByRole('link', { name: 'Tickets', exact: true }).click();
  await rita.getByRole('heading', { name: 'Tickets' }).waitFor();
  await rita.waitForTimeout(500);
  assert.equal(await counted(), before - 1);

  await milo.reload();
  await milo.getByText('New', { exact: true }).first().waitFor();
  await milo.context().close();
  await rita.context().close();
});

test('pages follow the system into dark mode, and a person can choose light or dark for their browser', async () => {
  const rita = await signedInPage(browser, PEOPLE.rita);
  const background = () => rita.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  const dark = (color) => color.match(/\d+/g).slice(0, 3).every((c) => Number(c) < 60);
  await rita.emulateMedia({ colorScheme: 'dark' });
  assert.ok(dark(await background()), 'a dark system gets a dark page');
  await rita.emulateMedia({ colorScheme: 'light' });
  assert.ok(!dark(await background()), 'a light system gets a light page');

  // Chosen on the profile: it applies at once and holds after a reload, whatever the system says.
  await rita.goto('/profile');
  await rita.getByRole('radio', { name: 'Dark' }).check();
  assert.ok(dark(await background()));
  await rita.reload();
  await rita.getByRole('radio', { name: 'Dark' }).waitFor();
  assert.ok(dark(await background()), 'kept for this browser');
  assert.equal(await rita.getByRole('radio', { name: 'Dark' }).isChecked(), true);
  await rita.getByRole('radio', { name: 'As the system is set' }).check();
  assert.ok(!dark(await background()), 'back to the light system');
  await rita.context().close();
});

test('a representative searches and filters the ticket list as she types; the URL keeps it', async () => {
  const word = unique();
  const rita = await signedInPage(browser, PEOPLE.rita);
  const wanted = await fileRequest(rita, `Printer ${word} jams`);
  const other = await fileRequest(rita, `Scanner ${unique()} is slow`);
  await rita.getByRole('link', { name: 'Tickets', exact: true }).click();
  await rita.getByRole('heading', { name: 'Tickets' }).waitFor();
  const row = (number) => rita.locator('table.tickets tbody tr', { hasText: `#${number}` });
  await row(other).waitFor();

  // No button to press: the list narrows once typing pauses.
  await rita.getByLabel('Search').pressSequentially(word, { delay: 30 });
  await rita.waitForURL((url) => url.searchParams.get('q') === word);
  await row(wanted).waitFor();
  await row(other).waitFor({ state: 'detached' });
  assert.equal(await rita.getByRole('button', { name: 'Apply' }).count(), 0);
  assert.equal(await rita.getByLabel('Assignee').isVisible(), false, 'only staff filter by assignee');

  // A choice applies at once too, and a reload shows the same list.
  await rita.getByLabel('State').selectOption({ label: 'New' });
  await rita.waitForURL((url) => url.searchParams.get('state') !== null && url.searchParams.get('q') === word);
  await rita.reload();
  await row(wanted).waitFor();
  assert.equal(await rita.getByLabel('Search').inputValue(), word);
  assert.equal(await rita.locator('table.tickets tbody tr').count(), 1);

  // When it changed, at a glance, with the exact time on hover.
  const updated = row(wanted).locator('time');
  assert.match(await updated.textContent(), /^(just now|\d+ min ago)$/);
  assert.ok((await updated.getAttribute('title')).length > 0);
  await rita.context().close();
});

test('a live change reads the ticket list again as far as it was shown', async () => {
  // 60 more tickets than a page holds, written straight into the database (and removed again).
  const title = `Long list ${unique()}`;
  addTickets(title, 60, 'open');
  try {
    const sam = await signedInPage(browser, PEOPLE.sam);
    const rows = sam.locator('table.tickets tbody tr');
    await rows.nth(49).waitFor();
    assert.equal(await rows.count(), 50);
    await sam.getByRole('button', { name: 'Load more' }).click();
    await rows.nth(50).waitFor();
    const shown = await rows.count();

    // Someone files a request: it comes in at the top, and nothing shown goes away.
    const rita = await signedInPage(browser, PEOPLE.rita);
    const filed = await fileRequest(rita, `Arrives while the list is long ${unique()}`);
    await rows.first().filter({ hasText: `#${filed}` }).waitFor();
    assert.equal(await rows.count(), shown + 1);
    await sam.context().close();
    await rita.context().close();
  } finally {
    removeTickets(title);
  }
});
