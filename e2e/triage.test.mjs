// Triage as the seeds describe it, in the browser: a steward works the triage queue (flags move
// a request up the priority order, live on another steward's screen; an acknowledgement is sent
// from a template), and a change request cannot be closed until its release is recorded.
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

async function openQueue(page) {
  await page.getByRole('link', { name: 'Triage', exact: true }).click();
  await page.getByRole('heading', { name: 'Triage queue' }).waitFor();
  await page.locator('.live-indicator', { hasText: 'Live' }).waitFor();
  await page.evaluate(() => {
    window.__notReloaded = true;
  });
}

const entry = (page, number) => page.locator(`li.queue-entry[data-number="${number}"]`);

/** The ticket numbers in the order the queue shows them. */
async function queueOrder(page) {
  return page.locator('li.queue-entry').evaluateAll((items) => items.map((li) => Number(li.dataset.number)));
}

async function waitForOrder(page, first, second) {
  await page.waitForFunction(
    ([a, b]) => {
      const order = [...document.querySelectorAll('li.queue-entry')].map((li) => Number(li.dataset.number));
      return order.includes(a) && order.includes(b) && order.indexOf(a) < order.indexOf(b);
    },
    [first, second],
  );
}

test('a steward works the triage queue: flags reorder it live for another steward, and an acknowledgement goes out from a template', async () => {
  const rita = await signedInPage(browser, PEOPLE.rita);
  const older = await fileRequest(rita, `Triage older ${unique()}`);
  const newer = await fileRequest(rita, `Triage newer ${unique()}`);
  const [sam, tess] = await Promise.all([signedInPage(browser, PEOPLE.sam), signedInPage(browser, PEOPLE.tess)]);
  await Promise.all([openQueue(sam), openQueue(tess)]);

  // Same rule and priority: the older request comes first, and both are untriaged.
  await waitForOrder(tess, older, newer);
  await entry(tess, newer).getByText('Untriaged').waitFor();
  const before = await entry(tess, newer).locator('.placed-by').textContent();
  assert.match(before, /^5\. Community has used little of its support budget$/, 'Aurora has budget left');

  // Sam flags the newer request as funded: on Tess's screen it moves above the older one.
  await entry(sam, newer).getByLabel('Dedicated funding').check();
  await waitForOrder(tess, newer, older);
  await entry(tess, newer).locator('.placed-by', { hasText: '1. Comes with dedicated funding' }).waitFor();
  assert.equal(await entry(tess, newer).getByLabel('Dedicated funding').isChecked(), true);
  assert.equal(await tess.evaluate(() => window.__notReloaded), true, 'the queue reordered without a reload');

  // Sam acknowledges the older request with the acknowledgement template.
  await entry(sam, older).getByRole('link').click();
  await sam.getByRole('heading', { name: new RegExp(`^#${older} `) }).waitFor();
  await sam.getByLabel('Template', { exact: true }).selectOption({ label: 'Acknowledgement' });
  await sam.getByRole('button', { name: 'Fill in the message' }).click();
  const message = sam.getByLabel('Message', { exact: true });
  await sam.waitForFunction(() => document.querySelector('#message')?.value.startsWith('Hello Rita'));
  const text = await message.inputValue();
  assert.ok(text.includes(`#${older}`) && !text.includes('{'), `filled from the ticket: ${text}`);
  await message.fill(`${text}\n\nP.S. written by hand.`);
  await sam.getByRole('button', { name: 'Send' }).click();
  await sam.locator('ol.conversation .entry', { hasText: 'P.S. written by hand.' }).waitFor();

  // A template that needs context says so next to the field, before anything is sent.
  await sam.getByLabel('Template', { exact: true }).selectOption({ label: 'Not an incident: planned' });
  await sam.getByRole('button', { name: 'Fill in the message' }).click();
  await sam.locator('#template-context-error', { hasText: 'CONTEXT' }).waitFor();

  // Tess's queue shows it acknowledged, live; the requester sees the reply.
  await tess.waitForFunction((n) => {
    const li = document.querySelector(`li.queue-entry[data-number="${n}"]`);
    return li && !li.textContent.includes('Not acknowledged');
  }, older);
  await rita.goto(`/tickets/${older}`);
  await rita.locator('ol.conversation .entry', { hasText: 'P.S. written by hand.' }).waitFor();
  assert.equal(await rita.locator('.triage-panel').count(), 0, 'the requester does not see triage details');
  for (const page of [rita, sam, tess]) await page.context().close();
});

test('a change request cannot be closed until the release that carries it is recorded', async () => {
  const rita = await signedInPage(browser, PEOPLE.rita);
  const number = await fileRequest(rita, `Release needed ${unique()}`);
  const sam = await signedInPage(browser, PEOPLE.sam);
  await sam.goto(`/tickets/${number}`);
  await sam.getByRole('heading', { name: new RegExp(`^#${number} `) }).waitFor();
  await sam.getByLabel('Type', { exact: true }).selectOption({ label: 'Change request' });
  await sam.getByRole('button', { name: 'Save changes' }).click();
  await sam.locator('.badges', { hasText: 'Change request' }).waitFor();

  // Close is held back, and the page says why.
  await sam.locator('.close-held-back', { hasText: 'Cannot close a change request before the release' }).waitFor();
  assert.equal(await sam.getByRole('button', { name: 'Close', exact: true }).count(), 0, 'Close is not offered');

  await sam.getByLabel(/^Released in/).fill('v2.4.0');
  await sam.getByRole('button', { name: 'Save release' }).click();
  await sam.locator('dd.released-in', { hasText: 'v2.4.0' }).waitFor();
  await sam.getByRole('button', { name: 'Close', exact: true }).click();
  // Closing asks first; cancelling leaves it as it was.
  await sam.getByRole('button', { name: 'Cancel' }).click();
  assert.equal(await sam.locator('.badges .state', { hasText: 'Closed' }).count(), 0, 'not closed without a yes');
  await sam.getByRole('button', { name: 'Close', exact: true }).click();
  await sam.getByRole('button', { name: 'Yes, close it' }).click();
  await sam.locator('.badges .state', { hasText: 'Closed' }).waitFor();

  // The requester sees which release carries it.
  await rita.goto(`/tickets/${number}`);
  await rita.locator('dd.released-in', { hasText: 'v2.4.0' }).waitFor();
  for (const page of [rita, sam]) await page.context().close();
});

test('a representative confirms a resolution and answers the satisfaction survey', async () => {
  const rita = await signedInPage(browser, PEOPLE.rita);
  const number = await fileRequest(rita, `Survey ${unique()}`);
  const sam = await signedInPage(browser, PEOPLE.sam);
  await sam.goto(`/tickets/${number}`);
  await sam.getByRole('button', { name: 'Resolve', exact: true }).click();
  await sam.locator('.badges .state', { hasText: 'Resolved' }).waitFor();

  await rita.goto(`/tickets/${number}`);
  await rita.getByRole('button', { name: 'Confirm resolved' }).click();
  await rita.getByRole('button', { name: 'Yes, it is resolved' }).click();
  await rita.locator('.badges .state', { hasText: 'Closed' }).waitFor();
  // Sending without a rating says what is missing, next to the question.
  await rita.getByRole('button', { name: 'Send rating' }).click();
  await rita.locator('#survey-rating-error', { hasText: 'Choose a rating' }).waitFor();
  await rita.getByLabel('4 · Good').check();
  await rita.getByLabel('Anything to add? (optional)').fill('Fast and friendly.');
  await rita.getByRole('button', { name: 'Send rating' }).click();
  await rita.locator('.survey-answer', { hasText: 'Rated 4 out of 5' }).waitFor();

  // The steward's page shows the answer live.
  await sam.locator('.survey-answer', { hasText: 'Rated 4 out of 5 by Rita' }).waitFor();
  await sam.locator('.survey-answer', { hasText: 'Fast and friendly.' }).waitFor();
  for (const page of [rita, sam]) await page.context().close();
});

test('a steward is told whom to assign and why, and a workshop is scheduled instead', async () => {
  const rita = await signedInPage(browser, PEOPLE.rita);
  const number = await fileRequest(rita, `Assign me ${unique()}`);
  const sam = await signedInPage(browser, PEOPLE.sam);
  await sam.goto(`/tickets/${number}`);
  const suggestion = sam.locator('.suggestion');
  await suggestion.waitFor();
  assert.match(await suggestion.textContent(), /^Suggested: .+ \(.*open ticket/, 'the suggestion says why');
  await suggestion.getByRole('button').click();
  await sam.getByRole('button', { name: 'Save changes' }).click();
  await sam.waitForFunction(() => {
    const label = [...document.querySelectorAll('.facts dt')].find((dt) => dt.textContent === 'Assignee');
    return label && label.nextElementSibling.textContent !== 'Unassigned';
  });

  await sam.getByLabel('Type', { exact: true }).selectOption({ label: 'Workshop request' });
  await sam.getByLabel(/^Scheduled for/).fill('2026-12-03');
  await sam.getByRole('button', { name: 'Save changes' }).click();
  await sam.locator('dd.scheduled-for', { hasText: '2026-12-03' }).waitFor();
  await rita.goto(`/tickets/${number}`);
  await rita.locator('dd.scheduled-for', { hasText: '2026-12-03' }).waitFor();
  for (const page of [rita, sam]) await page.context().close();
});

test('a long queue shows its first 50 requests and more on asking; a live refresh keeps what was shown', async () => {
  // 60 untriaged tickets at the end of the queue, written straight into the database (and removed again).
  const title = `Long queue ${unique()}`;
  addTickets(title, 60, 'new');
  try {
    const sam = await signedInPage(browser, PEOPLE.sam);
    await openQueue(sam);
    const count = sam.locator('#queue-count');
    await count.getByText(/^The first 50 of \d+ requests\.$/).waitFor();
    const total = Number((await count.textContent()).match(/of (\d+)/)[1]);
    assert.ok(total >= 60, `the whole queue is counted (${total})`);
    assert.equal(await sam.locator('li.queue-entry').count(), 50);

    // Each "Show more" brings the next 50 (the other browser tests may have filed more).
    await sam.getByRole('button', { name: `Show ${Math.min(total - 50, 50)} more` }).click();
    for (let shown = 100; shown < total; shown += 50) {
      await sam.locator('li.queue-entry').nth(shown - 1).waitFor();
      await sam.getByRole('button', { name: `Show ${Math.min(total - shown, 50)} more` }).click();
    }
    await count.getByText(new RegExp(`^${total} requests\\.$`)).waitFor();
    assert.equal(await sam.locator('li.queue-entry').count(), total);
    assert.equal(await sam.getByRole('button', { name: /^Show \d+ more/ }).count(), 0);

    // A flag set on the last entry reorders the queue live; every entry stays shown.
    const last = (await queueOrder(sam)).at(-1);
    await entry(sam, last).getByLabel('Comes with dedicated funding').check();
    await sam.waitForFunction(
      (n) => [...document.querySelectorAll('li.queue-entry')].findIndex((li) => Number(li.dataset.number) === n) < 10,
      last,
    );
    assert.equal(await sam.locator('li.queue-entry').count(), total);
    assert.equal(await sam.evaluate(() => window.__notReloaded), true, 'the page was not reloaded');

    // A filter starts again from the top page.
    await sam.getByLabel('Untriaged only').check();
    await count.getByText(/^The first 50 of \d+ requests\.$/).waitFor();
    assert.equal(await sam.locator('li.queue-entry').count(), 50);
    await sam.context().close();
  } finally {
    removeTickets(title);
  }
});
