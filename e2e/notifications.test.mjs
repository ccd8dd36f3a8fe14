// Notifications as people notice them: a steward mentioned in a note sees her count rise while
// she works on the board, without reloading; a representative chooses how she hears of
// requests waiting for her approval, and the choice stays.
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

/** The unread count in the header (0 when none is shown). */
async function unread(page) {
  const count = page.locator('.notifications-link .count');
  return (await count.count()) === 0 ? 0 : Number(await count.textContent());
}

test('a steward mentioned in a note sees her notification count rise live and reads who mentioned her', async () => {
  const rita = await signedInPage(browser, PEOPLE.rita);
  const title = `Mention me ${unique()}`;
  const number = await fileRequest(rita, title);
  const tess = await signedInPage(browser, PEOPLE.tess);
  await tess.goto('/board');
  await tess.locator(`#card-${number}`).waitFor();
  const before = await unread(tess);

  const sam = await signedInPage(browser, PEOPLE.sam);
  await sam.goto(`/tickets/${number}`);
  await sam.getByRole('radio', { name: 'Internal note' }).check();
  await sam.getByLabel('Message').fill('@tess could you check the quota?');
  await sam.getByRole('button', { name: 'Send' }).click();
  await sam.getByText('@tess could you check the quota?').waitFor();

  // On the board, no reload: the change arrives on the page's stream and the header counts again.
  await tess.locator('.notifications-link .count', { hasText: String(before + 1) }).waitFor({ timeout: 10_000 });
  await tess.getByRole('link', { name: /Notifications/ }).click();
  await tess.getByRole('link', { name: `Sam Steward mentioned you on #${number} ${title}` }).waitFor();
  // Rita, the requester, was told nothing of an internal note.
  await rita.goto('/notifications');
  assert.equal(await rita.getByText('mentioned').count(), 0);
});

test('a representative chooses to hear of requests waiting for her approval by email only, and it stays', async () => {
  const rita = await signedInPage(browser, PEOPLE.rita);
  await rita.getByRole('link', { name: 'Rita Representative' }).click();
  const choice = rita.getByLabel('A request waits for your approval');
  await choice.waitFor();
  assert.equal(await choice.inputValue(), 'both', 'in Steward and by email by default');
  assert.equal(await rita.getByLabel('Someone mentions you in a note').count(), 0, 'mentions never reach her');
  try {
    await choice.selectOption({ label: 'By email' });
    await rita.getByRole('button', { name: 'Keep these choices' }).click();
    await rita.getByRole('status').filter({ hasText: 'Kept' }).waitFor();
    await rita.reload();
    await rita.getByLabel('A request waits for your approval').waitFor();
    assert.equal(await rita.getByLabel('A request waits for your approval').inputValue(), 'email');
  } finally {
    await rita.getByLabel('A request waits for your approval').selectOption('both');
    await rita.getByRole('button', { name: 'Keep these choices' }).click();
    await rita.getByRole('status').filter({ hasText: 'Kept' }).waitFor();
  }
});
