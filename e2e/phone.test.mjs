// Steward on a phone (390 px): the navigation folds behind a Menu button, the ticket list is a
// list of cards that keep state, priority and assignee, and the board shows one column at a time
// with a switcher. On a wide screen the board's column headings stay in view while it scrolls.
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

const PHONE = { width: 390, height: 844 };

/** How far the page is wider than the window (0: nothing to scroll sideways). */
const sideways = (page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

test('a representative searches her tickets on a phone in dark mode', async () => {
  const word = unique();
  const rita = await signedInPage(browser, PEOPLE.rita);
  const number = await fileRequest(rita, `Phone ${word} cannot log in`);
  await rita.setViewportSize(PHONE);
  await rita.emulateMedia({ colorScheme: 'dark' });

  // A short header: the brand, the live indicator and the Menu button; the links are folded.
  const header = await rita.locator('header.app-header').boundingBox();
  assert.ok(header.height <= 64, `the header is ${header.height} px tall`);
  const tickets = rita.getByRole('link', { name: 'Tickets', exact: true });
  assert.equal(await tickets.isVisible(), false, 'the navigation is folded');
  const menu = rita.getByRole('button', { name: /^Menu/ });
  assert.equal(await menu.getAttribute('aria-expanded'), 'false');
  await menu.click();
  assert.equal(await menu.getAttribute('aria-expanded'), 'true');
  await tickets.click();
  await rita.getByRole('heading', { name: 'Tickets' }).waitFor();
  await tickets.waitFor({ state: 'hidden' }); // going to a page folds the navigation again

  await rita.getByLabel('Search').pressSequentially(word, { delay: 30 });
  await rita.waitForURL((url) => url.searchParams.get('q') === word);
  const card = rita.locator('table.tickets tbody tr', { hasText: `#${number}` });
  await card.waitFor();
  assert.equal(await rita.locator('table.tickets tbody tr').count(), 1);
  // What matters about a ticket is all on its card, none of it cut off.
  for (const fact of [/^New$/, /^Normal$/, /^Unassigned$/, /cannot log in/]) {
    assert.equal(await card.getByText(fact).first().isVisible(), true, `${fact} shows on the card`);
  }
  const box = await card.boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= PHONE.width, `the card fits the screen: ${JSON.stringify(box)}`);
  assert.equal(await sideways(rita), 0, 'nothing to scroll sideways');
  // Dark, as the phone asks.
  const background = await rita.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  assert.ok(background.match(/\d+/g).slice(0, 3).every((c) => Number(c) < 60), `a dark page: ${background}`);
  await rita.context().close();
});

test('a steward works the board on a phone one column at a time', async () => {
  const rita = await signedInPage(browser, PEOPLE.rita);
  const number = await fileRequest(rita, `Phone board ${unique()}`);
  await rita.context().close();
  const tess = await signedInPage(browser, PEOPLE.tess);
  await tess.setViewportSize(PHONE);
  await tess.goto('/board');
  await tess.locator('.live-indicator', { hasText: 'Live' }).waitFor();
  const switcher = tess.getByLabel('Column', { exact: true });
  await switcher.waitFor();
  const visibleColumns = () => tess.locator('section.column:visible').count();
  assert.equal(await visibleColumns(), 1, 'one column at a time');
  assert.equal(await sideways(tess), 0, 'nothing to scroll sideways');

  // The switcher counts each column's cards and shows the one chosen.
  const options = await switcher.locator('option').allTextContents();
  assert.equal(options.length, 7);
  const newOption = options.find((o) => o.startsWith('New ('));
  assert.match(newOption, /^New \(\d+\)$/);
  await switcher.selectOption({ label: newOption });
  const card = tess.locator(`#card-${number}`);
  await card.waitFor();
  assert.equal(await visibleColumns(), 1);
  assert.equal(await tess.locator('section.column[data-state="New"]').isVisible(), true);

  // Carried with the keyboard to the next column, the card stays in view: the switcher follows.
  await card.focus();
  await tess.keyboard.press('Space');
  await tess.keyboard.press('ArrowRight');
  await tess.keyboard.press('Space');
  const moved = tess.locator(`section.column[data-state="Open"] #card-${number}`);
  await moved.waitFor();
  assert.equal(await moved.isVisible(), true, 'the column it went to is the one shown');
  assert.match(await switcher.locator('option:checked').textContent(), /^Open \(\d+\)$/);
  await tess.context().close();
});

test("on a wide screen the board's column headings stay in view while a long column scrolls", async () => {
  const title = `Tall column ${unique()}`;
  addTickets(title, 40, 'pending');
  try {
    const tess = await signedInPage(browser, PEOPLE.tess);
    await tess.setViewportSize({ width: 1280, height: 720 });
    await tess.goto('/board');
    await tess.locator('.live-indicator', { hasText: 'Live' }).waitFor();
    assert.equal(await tess.getByLabel('Column', { exact: true }).isVisible(), false, 'every column fits: no switcher');
    assert.equal(await tess.locator('section.column:visible').count(), 7);
    assert.equal(await sideways(tess), 0, 'every column fits without scrolling sideways');
    // Every column reaches at least the bottom of the window, whatever it holds.
    for (const box of await tess.locator('section.column').evaluateAll((columns) =>
      columns.map((c) => c.getBoundingClientRect().bottom),
    )) {
      assert.ok(box >= 700, `a column ends at ${box} px`);
    }
    await tess.mouse.wheel(0, 1500);
    await tess.waitForFunction(() => window.scrollY > 1000);
    const heading = tess.locator('section.column[data-state="Pending"] h2');
    const top = (await heading.boundingBox()).y;
    assert.ok(top >= -1 && top < 10, `the Pending heading is at ${top} px after scrolling`);
    await tess.context().close();
  } finally {
    removeTickets(title);
  }
});
