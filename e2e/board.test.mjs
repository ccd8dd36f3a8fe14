// The live board, as people use it: a steward drags a card with the mouse and then with the
// keyboard alone, and another steward and the community's representative see it move without
// reloading; a drop the lifecycle refuses snaps back with the reason; another community's
// representative never sees the card; a page keeps up across a server restart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, signedInPage, PEOPLE, PASSWORD, BASE_URL, unique, freePort, startOwnServer, fileRequest, addTickets, removeTickets } from './support.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/**
 * Opens the board and waits until its stream is live; marks the page to detect reloads. The
 * window is tall enough that a drag from low in one column to the middle of another stays on
 * screen (Playwright's drag does not scroll the way a person's does).
 */
async function openBoard(page) {
  await page.setViewportSize({ width: 1280, height: 2000 });
  await page.getByRole('link', { name: 'Board', exact: true }).click();
  await page.getByRole('heading', { name: 'Board', exact: true }).waitFor();
  await page.locator('.live-indicator', { hasText: 'Live' }).waitFor();
  await page.evaluate(() => {
    window.__notReloaded = true;
  });
}

const column = (page, state) => page.locator(`section.column[data-state="${state}"]`);
const cardIn = (page, state, number) => column(page, state).locator(`#card-${number}`);

async function assertNotReloaded(page) {
  assert.equal(await page.evaluate(() => window.__notReloaded), true, 'the page was not reloaded');
}

test('a steward drags a card; other stewards and the representative see it move live; refused drops snap back', async () => {
  const title = `Board card ${unique()}`;
  const rita = await signedInPage(browser, PEOPLE.rita);
  const number = await fileRequest(rita, title);
  const [sam, tess, bea] = await Promise.all([
    signedInPage(browser, PEOPLE.sam),
    signedInPage(browser, PEOPLE.tess),
    signedInPage(browser, PEOPLE.bea),
  ]);
  for (const page of [sam, tess, rita, bea]) await openBoard(page);
  for (const page of [sam, tess, rita]) await cardIn(page, 'New', number).waitFor();
  assert.equal(await rita.locator(`#card-${number}`).getAttribute('draggable'), 'false', 'read-only for representatives');

  // With the mouse: New -> Open (triage).
  await sam.locator(`#card-${number}`).dragTo(column(sam, 'Open'));
  await cardIn(sam, 'Open', number).waitFor();
  for (const page of [tess, rita]) {
    await cardIn(page, 'Open', number).waitFor();
    await assertNotReloaded(page);
  }

  // With the keyboard alone: Open -> In progress.
  const card = sam.locator(`#card-${number}`);
  await card.focus();
  await sam.keyboard.press('Space');
  await sam.locator('#board-announcer', { hasText: `Picked up #${number}` }).waitFor();
  await sam.keyboard.press('ArrowRight');
  await sam.locator('#board-announcer', { hasText: 'Moved to In progress' }).waitFor();
  await sam.keyboard.press('Space');
  await sam.locator('#board-announcer', { hasText: `Dropped #${number} in In progress` }).waitFor();
  await cardIn(sam, 'In progress', number).waitFor();
  for (const page of [tess, rita]) {
    await cardIn(page, 'In progress', number).waitFor();
    await assertNotReloaded(page);
  }

  // A drop the lifecycle refuses goes back, with the reason on the card.
  await sam.locator(`#card-${number}`).dragTo(column(sam, 'New'));
  await cardIn(sam, 'In progress', number).locator('[role="alert"]', { hasText: 'Cannot move a ticket from In progress to New' }).waitFor();
  assert.equal(await cardIn(tess, 'In progress', number).count(), 1, 'nothing moved for the others');

  // Escape puts a lifted card back where it was.
  await sam.locator(`#card-${number}`).focus();
  await sam.keyboard.press('Enter');
  await sam.keyboard.press('ArrowLeft');
  await sam.keyboard.press('Escape');
  await sam.locator('#board-announcer', { hasText: 'Move cancelled' }).waitFor();
  await cardIn(sam, 'In progress', number).waitFor();

  // Another community's representative never saw the card, live or otherwise.
  await assertNotReloaded(bea);
  assert.equal(await bea.locator(`#card-${number}`).count(), 0, "Borealis' representative sees no Aurora card");
  await bea.reload();
  await bea.locator('.live-indicator', { hasText: 'Live' }).waitFor();
  assert.equal(await bea.locator(`#card-${number}`).count(), 0);

  for (const page of [sam, tess, rita, bea]) await page.context().close();
});

test('a board keeps up across a server restart: moves made meanwhile appear after it reconnects', async () => {
  const title = `Restart card ${unique()}`;
  const rita = await signedInPage(browser, PEOPLE.rita);
  const number = await fileRequest(rita, title);

  // Sam watches the board through a server of the test's own.
  const port = await freePort();
  let own = await startOwnServer(port);
  const context = await browser.newContext({ baseURL: own.url });
  const sam = await context.newPage();
  sam.setDefaultTimeout(20_000);
  await sam.goto('/signin');
  await sam.getByLabel('Email').fill(PEOPLE.sam);
  await sam.getByLabel('Password').fill(PASSWORD);
  await sam.getByRole('button', { name: 'Sign in' }).click();
  await sam.getByRole('heading', { name: 'Tickets' }).waitFor();
  await openBoard(sam);
  await cardIn(sam, 'New', number).waitFor();

  // The server goes away; the page says so.
  await own.stop();
  await sam.locator('.live-indicator', { hasText: /Reconnecting|Offline/ }).waitFor();

  // Meanwhile Tess moves the card through the main server.
  const tess = await signedInPage(browser, PEOPLE.tess);
  assert.notEqual(new URL(BASE_URL).port, String(port));
  await openBoard(tess);
  await tess.locator(`#card-${number}`).dragTo(column(tess, 'Open'));
  await cardIn(tess, 'Open', number).waitFor();
  await tess.locator(`#card-${number}`).dragTo(column(tess, 'Pending'));
  await cardIn(tess, 'Pending', number).waitFor();

  // Back up: Sam's page reconnects and shows the move, without a reload.
  own = await startOwnServer(port);
  await sam.locator('.live-indicator', { hasText: 'Live' }).waitFor({ timeout: 30_000 });
  await cardIn(sam, 'Pending', number).waitFor();
  await assertNotReloaded(sam);

  await own.stop();
  for (const page of [sam, tess, rita]) await page.context().close();
});

test('a change to one ticket updates its card in place; no other card is rebuilt', async () => {
  const rita = await signedInPage(browser, PEOPLE.rita);
  const changed = await fileRequest(rita, `Card that changes ${unique()}`);
  const still = await fileRequest(rita, `Card that stays ${unique()}`);
  const sam = await signedInPage(browser, PEOPLE.sam);
  await openBoard(rita);
  for (const number of [changed, still]) await cardIn(rita, 'New', number).waitFor();
  // Mark both cards' elements: a rebuilt element would lose the mark.
  await rita.evaluate(([a, b]) => {
    document.getElementById(`card-${a}`).__mark = 'kept';
    document.getElementById(`card-${b}`).__mark = 'kept';
  }, [changed, still]);

  await sam.goto(`/tickets/${changed}`);
  await sam.getByLabel('Priority', { exact: true }).selectOption({ label: 'Urgent' });
  await sam.getByRole('button', { name: 'Save changes' }).click();
  await sam.getByText('Saved.').waitFor();

  await cardIn(rita, 'New', changed).locator('.priority', { hasText: 'Urgent' }).waitFor();
  const marks = await rita.evaluate(([a, b]) => [
    document.getElementById(`card-${a}`).__mark,
    document.getElementById(`card-${b}`).__mark,
  ], [changed, still]);
  assert.deepEqual(marks, ['kept', 'kept'], 'the changed card was patched and the other left alone');
  await assertNotReloaded(rita);
  await rita.context().close();
  await sam.context().close();
});

test('a long column draws its first 25 cards, the rest on asking; a card lifted or dropped past them stays in view', async () => {
  // 30 tickets at the bottom of Pending, written straight into the database (and removed again).
  const title = `Long column ${unique()}`;
  addTickets(title, 30, 'pending');
  try {
    const rita = await signedInPage(browser, PEOPLE.rita);
    const number = await fileRequest(rita, `Dropped below a long column ${unique()}`);
    const sam = await signedInPage(browser, PEOPLE.sam);
    await openBoard(sam);
    assert.equal(await sam.title(), 'Board · Steward');
    const pending = column(sam, 'Pending');
    const total = Number(await pending.locator('.count').textContent());
    assert.ok(total >= 30, `the heading counts every card (${total})`);
    assert.equal(await pending.locator('li.card').count(), 25);
    const more = pending.getByRole('button', { name: `Show ${Math.min(25, total - 25)} more` });
    await more.waitFor();
    assert.equal(await pending.getByText(`(${total - 25} not shown)`).count(), 1);

    // A card dropped below the drawn cards lands just after them and is drawn too.
    await sam.locator(`#card-${number}`).dragTo(column(sam, 'Open'));
    await cardIn(sam, 'Open', number).waitFor();
    await sam.locator(`#card-${number}`).dragTo(pending.locator('h2'));
    await cardIn(sam, 'Pending', number).waitFor();
    await sam.waitForFunction((n) => !document.getElementById(`card-${n}`).classList.contains('moving'), number);
    const placed = await pending.locator('li.card').evaluateAll((cards) => cards.map((c) => Number(c.dataset.number)));
    assert.equal(placed.indexOf(number), 25, 'the 26th card, just below the 25 drawn before');
    assert.equal(placed.length, 26);

    // Lifted with the keyboard past the last drawn card, a card brings the next one into view.
    const last = placed[25];
    await sam.locator(`#card-${last}`).focus();
    await sam.keyboard.press('Space');
    await sam.keyboard.press('ArrowDown');
    await sam.locator('#board-announcer', { hasText: `position 27 of ${total + 1}` }).waitFor();
    assert.equal(await pending.locator('li.card').count(), 27);
    await sam.keyboard.press('Escape');

    // "Show more" draws the rest; a reload starts from the first 25 again.
    await pending.getByRole('button', { name: /^Show \d+ more/ }).click();
    await sam.waitForFunction((n) => document.querySelectorAll('section.column[data-state="Pending"] li.card').length === n, total + 1);
    assert.equal(await pending.getByRole('button', { name: /^Show \d+ more/ }).count(), 0);
    await sam.reload();
    await pending.locator('li.card').nth(24).waitFor();
    assert.equal(await pending.locator('li.card').count(), 25);
    await rita.context().close();
    await sam.context().close();
  } finally {
    removeTickets(title);
  }
});
