// Keyboard shortcuts as a steward who lives in Steward uses them: j / k and Enter through the
// ticket list, r and n on a ticket, / to search, ? for the list of keys, and the command menu
// (Ctrl-K) that reaches every page the person may use; keys typed into a field stay there.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, signedInPage, PEOPLE } from './support.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const focusedRow = (page) =>
  page.evaluate(() => document.activeElement?.closest?.('tr[data-list-item]')?.querySelector('td:not(.choose)')?.textContent ?? null);

test('j / k and Enter go through the ticket list; r and n start a reply or a note; / searches', async () => {
  const sam = await signedInPage(browser, PEOPLE.sam);
  const rows = sam.locator('table.tickets tbody tr');
  await rows.nth(1).waitFor();
  const numbers = await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelector('td:not(.choose)').textContent));

  await sam.keyboard.press('j');
  assert.equal(await focusedRow(sam), numbers[0]);
  await sam.keyboard.press('j');
  assert.equal(await focusedRow(sam), numbers[1]);
  await sam.keyboard.press('k');
  assert.equal(await focusedRow(sam), numbers[0]);
  await sam.keyboard.press('Enter');
  await sam.waitForURL(`**/tickets/${numbers[0].slice(1)}`);

  // r: a public reply; what is typed stays in the field, shortcuts or not.
  await sam.getByLabel('Message').waitFor();
  await sam.keyboard.press('r');
  assert.equal(await sam.evaluate(() => document.activeElement?.id), 'message');
  assert.equal(await sam.locator('#visibility-public').isChecked(), true);
  await sam.keyboard.type('jkrn/?');
  assert.equal(await sam.locator('#message').inputValue(), 'jkrn/?');
  assert.equal(await sam.getByRole('dialog').count(), 0);
  // n: an internal note, from outside the field.
  await sam.locator('h1').click();
  await sam.keyboard.press('n');
  assert.equal(await sam.evaluate(() => document.activeElement?.id), 'message');
  assert.equal(await sam.locator('#visibility-internal').isChecked(), true);

  // /: the list's search field.
  await sam.goto('/tickets');
  await rows.first().waitFor();
  await sam.keyboard.press('/');
  assert.equal(await sam.evaluate(() => document.activeElement?.id), 'filter-q');
  await sam.context().close();
});

test('? lists the keys; the command menu reaches every page the person may use, and no other', async () => {
  const sam = await signedInPage(browser, PEOPLE.sam);
  await sam.keyboard.press('?');
  const help = sam.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await help.getByText('Next / previous ticket in a list').waitFor();
  await sam.waitForFunction(() => document.activeElement?.textContent === 'Close');
  await sam.keyboard.press('Escape');
  await help.waitFor({ state: 'detached' });

  await sam.keyboard.press('Control+k');
  const menu = sam.getByRole('dialog', { name: 'Command menu' });
  // Typing goes straight into the menu's box.
  await menu.waitFor();
  await sam.keyboard.type('board');
  await menu.getByRole('option', { name: 'Board', exact: true }).waitFor();
  await sam.keyboard.press('Enter');
  await sam.waitForURL('**/board');
  await sam.getByRole('heading', { name: 'Board', exact: true }).waitFor();
  await menu.waitFor({ state: 'detached' });
  await sam.context().close();

  // A representative's menu has no staff pages.
  const rita = await signedInPage(browser, PEOPLE.rita);
  await rita.keyboard.press('Control+k');
  const ritaMenu = rita.getByRole('dialog', { name: 'Command menu' });
  await ritaMenu.getByRole('combobox').fill('triage');
  await ritaMenu.getByText('Nothing matches.').waitFor();
  await ritaMenu.getByRole('combobox').fill('approvals');
  await ritaMenu.getByRole('option', { name: 'Approvals', exact: true }).waitFor();
  await rita.context().close();
});
