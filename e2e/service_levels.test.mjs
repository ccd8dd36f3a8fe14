// Every promise on a clock, in the browser: a steward watches a first-response badge count down
// and turn overdue while the server records the breach and tells who is on duty; a
// representative reads the promised time in her own time zone; an admin edits the business
// calendar and the due times follow.
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

/** Files an "Other" request at `priority` and returns its number. */
async function fileAt(page, title, priority) {
  await page.getByRole('link', { name: 'New request' }).click();
  await page.getByRole('heading', { name: 'New request' }).waitFor();
  await page.getByRole('radio', { name: 'Other' }).check();
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Description').fill('Filed by a browser test of the clocks.');
  await page.getByRole('radio', { name: priority }).check();
  await page.getByRole('button', { name: 'Submit request' }).click();
  await page.waitForURL(/\/tickets\/\d+$/);
  return Number(new URL(page.url()).pathname.split('/').pop());
}

/** Sets one first-response target in Settings: `amount` `unit` on `calendar`. */
async function setFirstResponse(admin, priority, amount, unit, calendar) {
  await admin.goto('/settings');
  const cell = admin.locator(`#target-${priority}-first_response`).locator('xpath=..');
  await cell.getByLabel('Unit').selectOption({ label: unit });
  if (amount !== null) await admin.locator(`#target-${priority}-first_response`).fill(String(amount));
  await cell.getByLabel('Calendar').selectOption({ label: calendar });
  await admin.getByRole('button', { name: 'Save targets' }).click();
  await admin.getByText('Saved; every running clock follows.').waitFor();
}

test('a first-response badge counts down and turns overdue, and the steward on duty is told', async () => {
  const id = unique();
  const admin = await signedInPage(browser, PEOPLE.admin);
  // Urgent requests are promised a first response within one working minute, 24/7, for now.
  await setFirstResponse(admin, 'urgent', 1, 'working minutes', '24/7');
  try {
    const rita = await signedInPage(browser, PEOPLE.rita);
    const number = await fileAt(rita, `Urgent clock ${id}`, 'Urgent');
    const sam = await signedInPage(browser, PEOPLE.sam);
    await sam.goto('/board');
    const badge = sam.locator(`#card-${number} [data-clock=first_response]`);
    await badge.waitFor();
    assert.match(await badge.textContent(), /^responds in 1 min$/);
    // The badge counts down on its own and turns overdue (it ticks every 15 seconds).
    await badge.filter({ hasText: /^response overdue/ }).waitFor({ timeout: 100_000 });
    assert.match(await badge.getAttribute('class'), /overdue/);
    // The server recorded the warning and the breach, and told Sam, who is on duty.
    await sam.goto(`/tickets/${number}`);
    await sam.locator('.clock-record li.missed').filter({ hasText: 'First response' }).waitFor();
    await sam.getByRole('link', { name: /Notifications/ }).click();
    await sam.getByRole('link', { name: new RegExp(`#${number} Urgent clock ${id}: the first response target was missed`) }).waitFor();
    await sam.getByRole('link', { name: new RegExp(`#${number} Urgent clock ${id}: first response due in`) }).waitFor();
  } finally {
    await setFirstResponse(admin, 'urgent', 1, 'working hours', 'business calendar');
  }
});

test('a representative reads what was promised in her own time zone', async () => {
  const rita = await signedInPage(browser, PEOPLE.rita);
  await rita.getByRole('link', { name: 'Rita Representative' }).click();
  await rita.getByLabel('Time zone').selectOption('America/New_York');
  await rita.getByRole('button', { name: 'Save', exact: true }).click();
  await rita.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
  try {
    const number = await fileRequest(rita, `Zone promise ${unique()}`);
    await rita.goto(`/tickets/${number}`);
    const due = Number(await rita.locator('[data-clock=first_response]').getAttribute('data-due'));
    const expected = await rita.evaluate(
      (seconds) =>
        new Date(seconds * 1000).toLocaleString('default', {
          weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZone: 'America/New_York',
        }),
      due,
    );
    await rita.getByText(`We will answer by ${expected}, your time (America/New_York).`).waitFor();
  } finally {
    await rita.goto('/profile');
    await rita.getByLabel('Time zone').selectOption('');
    await rita.getByRole('button', { name: 'Save', exact: true }).click();
    await rita.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
  }
});

test('an admin edits the business calendar and the due times follow', async () => {
  const rita = await signedInPage(browser, PEOPLE.rita);
  const number = await fileRequest(rita, `Calendar edit ${unique()}`);
  const sam = await signedInPage(browser, PEOPLE.sam);
  await sam.goto(`/tickets/${number}`);
  const badge = sam.locator('[data-clock=first_response]');
  const before = Number(await badge.getAttribute('data-due'));
  const admin = await signedInPage(browser, PEOPLE.admin);
  const edit = async (hours) => {
    await admin.goto('/settings');
    await admin.getByRole('button', { name: 'Edit Business hours' }).click();
    for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday']) {
      await admin.getByLabel(day, { exact: true }).fill(hours);
    }
    await admin.getByRole('button', { name: 'Save calendar' }).click();
    await admin.getByText('Saved; due times follow.').waitFor();
  };
  // A typo is named beside its day, and nothing is saved.
  await admin.goto('/settings');
  await admin.getByRole('button', { name: 'Edit Business hours' }).click();
  await admin.getByLabel('Tuesday', { exact: true }).fill('9 to 5');
  await admin.getByRole('button', { name: 'Save calendar' }).click();
  await admin.getByText('“9 to 5” is not hours like 09:00-17:00.').waitFor();
  await edit('09:00-18:00');
  try {
    // "By the end of the next working day": an hour later now that days end at 18:00.
    await sam.reload();
    await assertEventually(async () => Number(await badge.getAttribute('data-due')) === before + 3600);
  } finally {
    await edit('09:00-17:00');
  }
});

async function assertEventually(check, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error('the condition did not hold in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
