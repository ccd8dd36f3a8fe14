// The ticket list as people work it all day: sorted by any column (kept in the URL), and marked
// where there is news they have not read.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, signedInPage, PEOPLE, unique, fileRequest } from './support.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** What each order compares: titles ignoring case; priorities by rank. */
const BY = { title: 'title', priority: 'priority' };

/**
 * Waits until the list's `cell` texts are in `by`'s order (`descending` or not); fails with
 * what is shown if they never are.
 */
async function waitForOrder(page, cell, by, descending) {
  const ordered = ([cell, by, descending]) => {
    const rank = { 'Production down': 2, Urgent: 1, Normal: 0 };
    const keys = [...document.querySelectorAll(`table.tickets tbody tr ${cell}`)].map((c) =>
      by === 'priority' ? rank[c.textContent] : c.textContent.toLowerCase(),
    );
    return keys.length > 1 && keys.every((k, i) => i === 0 || (descending ? keys[i - 1] >= k : keys[i - 1] <= k));
  };
  try {
    await page.waitForFunction(ordered, [cell, by, descending], { timeout: 5_000 });
  } catch {
    const shown = await page.locator(`table.tickets tbody tr ${cell}`).allTextContents();
    assert.fail(`not in order (${descending ? 'descending' : 'ascending'}): ${shown.join(' | ')}`);
  }
}

test('a steward sorts the list by a column either way, and the URL keeps the order', async () => {
  const sam = await signedInPage(browser, PEOPLE.sam);
  const heading = sam.getByRole('columnheader', { name: /^Title/ });
  assert.equal(await heading.getAttribute('aria-sort'), 'none');
  assert.equal(await sam.getByRole('columnheader', { name: /^Updated/ }).getAttribute('aria-sort'), 'descending');

  await heading.getByRole('button').click();
  await sam.waitForURL((url) => url.searchParams.get('sort') === 'title' && url.searchParams.get('dir') === 'asc');
  assert.equal(await heading.getAttribute('aria-sort'), 'ascending');
  await waitForOrder(sam, 'td.title a', BY.title, false);

  // Again: the other way. A reload shows the same order, as does the Sort menu.
  await heading.getByRole('button').click();
  await sam.waitForURL((url) => url.searchParams.get('dir') === 'desc');
  await sam.reload();
  await sam.locator('table.tickets tbody tr').first().waitFor();
  assert.equal(await heading.getAttribute('aria-sort'), 'descending');
  await waitForOrder(sam, 'td.title a', BY.title, true);
  assert.equal(await sam.getByLabel('Sort').locator('option:checked').textContent(), 'Title, Z to A');

  // The Sort menu reaches every order too (on a phone the headings are hidden).
  await sam.getByLabel('Sort').selectOption({ label: 'Highest priority first' });
  await sam.waitForURL((url) => url.searchParams.get('sort') === 'priority' && url.searchParams.get('dir') === 'desc');
  assert.equal(await sam.getByRole('columnheader', { name: /^Priority/ }).getAttribute('aria-sort'), 'descending');
  await waitForOrder(sam, 'td[data-label="Priority"]', BY.priority, true);
  await sam.context().close();
});

test('a ticket with news is marked unread until it is opened, and again when someone answers', async () => {
  const rita = await signedInPage(browser, PEOPLE.rita);
  const number = await fileRequest(rita, `Unread marker ${unique()}`);
  const sam = await signedInPage(browser, PEOPLE.sam);
  const row = sam.locator('table.tickets tbody tr', { hasText: `#${number}` });
  await row.waitFor();
  // New to the team; not to Rita, who filed it.
  assert.equal(await row.getAttribute('class'), 'unread');
  assert.match(await row.textContent(), /New activity:/);
  await rita.getByRole('link', { name: 'Tickets', exact: true }).click();
  const hers = rita.locator('table.tickets tbody tr', { hasText: `#${number}` });
  await hers.waitFor();
  assert.notEqual(await hers.getAttribute('class'), 'unread', 'what you did yourself is not news to you');

  // Opened, it is read.
  await row.getByRole('link').click();
  await sam.waitForURL(new RegExp(`/tickets/${number}$`));
  await sam.getByRole('heading', { level: 1 }).waitFor();
  await sam.goBack();
  await row.waitFor();
  await sam.waitForFunction((n) => {
    const tr = [...document.querySelectorAll('table.tickets tbody tr')].find((r) => r.textContent.includes(`#${n}`));
    return tr && !tr.classList.contains('unread');
  }, number);

  // Rita answers: Sam's list, open all along, marks it again as the change arrives.
  await rita.goto(`/tickets/${number}`);
  await rita.getByLabel('Message').fill('Any news?');
  await rita.getByRole('button', { name: 'Send' }).click();
  await rita.getByText('Any news?').first().waitFor();
  await sam.waitForFunction((n) => {
    const tr = [...document.querySelectorAll('table.tickets tbody tr')].find((r) => r.textContent.includes(`#${n}`));
    return tr?.classList.contains('unread');
  }, number);
  await sam.context().close();
  await rita.context().close();
});

test('a steward chooses several tickets and assigns them in one step; a refused step says why, per ticket', async () => {
  const word = unique();
  const rita = await signedInPage(browser, PEOPLE.rita);
  const numbers = [];
  for (const n of [1, 2, 3]) numbers.push(await fileRequest(rita, `Bulk ${word} ${n}`));
  await rita.context().close();
  const sam = await signedInPage(browser, PEOPLE.sam);
  await sam.getByLabel('Search').fill(word);
  await sam.waitForURL((url) => url.searchParams.get('q') === word);
  const rows = sam.locator('table.tickets tbody tr');
  await sam.waitForFunction(() => document.querySelectorAll('table.tickets tbody tr').length === 3);

  // A click chooses one; Shift and a click the run down to another.
  await rows.nth(0).getByRole('checkbox').click();
  await rows.nth(2).getByRole('checkbox').click({ modifiers: ['Shift'] });
  const bar = sam.getByRole('form', { name: 'Change the chosen tickets' });
  await bar.getByText('3 chosen').waitFor();
  await bar.getByLabel('Change').selectOption({ label: 'Tess Steward' });
  await bar.getByRole('button', { name: 'Apply to 3' }).click();
  await sam.getByRole('status').getByText('Changed 3 tickets.').waitFor();
  assert.equal(await bar.count(), 0, 'nothing is chosen any more');
  for (const number of numbers) {
    await sam.locator('table.tickets tbody tr', { hasText: `#${number}` }).getByText('Tess Steward').waitFor();
  }

  // With the keyboard: j to the first, x to choose it; then start work on it.
  await sam.locator('h1').click();
  await sam.keyboard.press('j');
  await sam.keyboard.press('x');
  await bar.getByText('1 chosen').waitFor();
  const first = Number((await rows.nth(0).locator('td').nth(1).textContent()).slice(1));
  await bar.getByLabel('Change').selectOption({ label: 'Start work' });
  await bar.getByRole('button', { name: 'Apply to 1' }).click();
  await sam.getByRole('status').getByText('Changed 1 ticket.').waitFor();
  await sam.locator('table.tickets tbody tr', { hasText: `#${first}` }).getByText('In progress').waitFor();

  // Mark all three triaged: only new tickets may be; the one being worked stays chosen, with
  // its reason.
  await sam.getByRole('checkbox', { name: 'Choose every ticket shown' }).check();
  await bar.getByText('3 chosen').waitFor();
  await bar.getByLabel('Change').selectOption({ label: 'Mark triaged' });
  await bar.getByRole('button', { name: 'Apply to 3' }).click();
  const result = sam.getByRole('status').filter({ hasText: 'Changed 2 tickets.' });
  await result.getByText('Refused 1; still chosen:').waitFor();
  assert.equal(await result.locator('ul.refusals li').count(), 1);
  assert.equal(await result.locator('ul.refusals li', { hasText: `#${first}` }).count(), 1);
  await bar.getByText('1 chosen').waitFor();
  await sam.context().close();
});

test('a steward saves a view, shares it with the team, and its count follows new tickets live', async () => {
  const name = `Urgent ${unique()}`;
  const sam = await signedInPage(browser, PEOPLE.sam);
  const views = sam.getByRole('navigation', { name: 'Views' });
  // The views Steward offers, each with its count.
  await views.getByRole('link', { name: /^Unassigned\s*\(\s*\d+\s*tickets?\s*\)$/ }).waitFor();
  await views.getByRole('link', { name: /^Waiting on us/ }).click();
  await sam.waitForURL((url) => url.searchParams.get('state') === '2,3,4' && url.searchParams.get('sort') === 'priority');
  assert.equal(await views.getByRole('link', { name: /^Waiting on us/ }).getAttribute('aria-current'), 'page');

  // Urgent tickets still open, saved and shared.
  await sam.getByLabel('Priority', { exact: true }).selectOption({ label: 'Urgent' });
  await sam.waitForURL((url) => url.searchParams.get('priority') !== null);
  await views.getByRole('button', { name: 'Save this view' }).click();
  await views.getByLabel('Name of the view').fill(name);
  await views.getByLabel('Share with the support team').check();
  await views.getByRole('button', { name: 'Save', exact: true }).click();
  const saved = views.getByRole('link', { name: new RegExp(`^${name}\\s*\\(\\s*\\d+\\s*tickets?\\s*\\)$`) });
  await saved.waitFor();
  assert.equal(await saved.getAttribute('aria-current'), 'page', 'the list shown is the view just saved');
  const count = async (page) => {
    const link = page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: new RegExp(`^${name}`) });
    return Number((await link.locator('.count').textContent()).match(/\d+/)[0]);
  };
  const before = await count(sam);

  // Another steward has it; a representative does not.
  const tess = await signedInPage(browser, PEOPLE.tess);
  const shared = tess.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: new RegExp(`^${name}`) });
  await shared.waitFor();
  assert.equal(await shared.getAttribute('title'), 'Shared by Sam Steward');
  assert.equal(await tess.getByRole('button', { name: `Remove the view ${name}` }).count(), 0, 'only its owner removes it');
  const rita = await signedInPage(browser, PEOPLE.rita);
  await rita.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Still open' }).waitFor();
  assert.equal(await rita.getByRole('link', { name: new RegExp(`^${name}`) }).count(), 0);

  // Rita files an urgent request: Sam's count goes up without a reload.
  await rita.getByRole('link', { name: 'New request' }).click();
  await rita.getByRole('radio', { name: 'Other' }).check();
  await rita.getByLabel('Title').fill(`Urgent for the view ${unique()}`);
  await rita.getByLabel('Description').fill('Counted live.');
  await rita.getByRole('radio', { name: 'Urgent' }).check();
  await rita.getByRole('button', { name: 'Submit request' }).click();
  await rita.waitForURL(/\/tickets\/\d+$/);
  await sam.waitForFunction(
    ([view, expected]) =>
      [...document.querySelectorAll('nav.views a')].some(
        (a) => a.textContent.startsWith(view) && Number(a.querySelector('.count')?.textContent.match(/\d+/)?.[0]) === expected,
      ),
    [name, before + 1],
  );

  // Removed by its owner, it is gone for the team too.
  await sam.getByRole('button', { name: `Remove the view ${name}` }).click();
  await saved.waitFor({ state: 'detached' });
  await tess.reload();
  await tess.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Unassigned' }).waitFor();
  assert.equal(await shared.count(), 0);
  for (const page of [sam, tess, rita]) await page.context().close();
});
