// Incident command in the browser: a steward escalates a representative's ticket into an
// incident; two stewards and two representatives of different communities watch; a public
// update reaches the affected representative on her ticket and on the incident's page without
// a reload while the other community's representative sees nothing; a handover shows live on
// every board; the report is written, published and read by the representative.
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

async function live(page) {
  await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
}

test('an incident is run live for the team and followed by the affected community only', async () => {
  const id = unique();
  const title = `Spawns time out ${id}`;
  const rita = await signedInPage(browser, PEOPLE.rita);
  const ticket = await fileRequest(rita, title);

  // Sam escalates the ticket from its board card into a new incident.
  const sam = await signedInPage(browser, PEOPLE.sam);
  await sam.goto('/board');
  await sam.getByRole('link', { name: `Escalate #${ticket} to an incident` }).click();
  await sam.waitForURL(new RegExp(`/tickets/${ticket}\\?escalate`));
  await sam.getByLabel('Incident title').fill(`Hub down ${id}`);
  await sam.getByLabel('Severity').selectOption({ label: 'Production down' });
  await sam.getByRole('button', { name: 'Escalate', exact: true }).click();
  const link = sam.getByRole('link', { name: new RegExp(`Incident \\d+: Hub down ${id}`) });
  await link.waitFor();
  const incident = Number((await link.getAttribute('href')).split('/').pop());
  await link.click();
  await sam.getByRole('heading', { name: `Incident ${incident}: Hub down ${id}` }).waitFor();
  await sam.getByText('You are the incident commander.').waitFor();
  await live(sam);

  // Everyone else watches: Tess on the board, Rita on her ticket and on the incident's page,
  // Bea (another community) on her incident list.
  const tess = await signedInPage(browser, PEOPLE.tess);
  await tess.goto(`/incidents/${incident}`);
  await live(tess);
  await rita.goto(`/tickets/${ticket}`);
  await rita.getByRole('link', { name: `Incident ${incident}: Hub down ${id}` }).waitFor();
  await live(rita);
  const ritaStatus = await rita.context().newPage();
  await ritaStatus.goto(`/incidents/${incident}`);
  await ritaStatus.getByRole('heading', { name: `Incident ${incident}: Hub down ${id}` }).waitFor();
  await live(ritaStatus);
  const bea = await signedInPage(browser, PEOPLE.bea);
  await bea.goto('/incidents?show=all');
  await bea.getByRole('heading', { name: 'Incidents' }).waitFor();
  await live(bea);
  assert.equal(await bea.getByText(`Hub down ${id}`).count(), 0, 'another community does not see the incident');
  const beaDirect = await bea.context().newPage();
  await beaDirect.goto(`/incidents/${incident}`);
  await beaDirect.getByRole('heading', { name: 'Incident not found' }).waitFor();

  // An internal note, then a public update from the template.
  await sam.getByRole('radio', { name: 'Internal note (the team only)' }).check();
  await sam.getByLabel('Update', { exact: true }).fill(`Quota exhausted INTERNAL-${id}`);
  await sam.getByRole('button', { name: 'Post' }).click();
  await tess.getByText(`Quota exhausted INTERNAL-${id}`).waitFor();
  await sam.getByLabel('Template').selectOption({ label: 'Incident: update' });
  await sam.getByLabel('Context (fills {CONTEXT})').fill(`capacity is being added PUBLIC-${id}`);
  await sam.getByRole('button', { name: 'Fill in the update' }).click();
  const filled = sam.getByLabel('Update', { exact: true });
  await assertEventually(async () => (await filled.inputValue()).includes(`Incident ${incident}`));
  assert.match(await filled.inputValue(), new RegExp(`PUBLIC-${id}`));
  await sam.getByRole('radio', { name: 'Public update' }).check();
  await sam.getByRole('button', { name: 'Post' }).click();

  // Rita sees it on her ticket and on the incident's page, without a reload; Tess too.
  await rita.locator('ol.conversation').getByText(`PUBLIC-${id}`).first().waitFor();
  await ritaStatus.getByText(`PUBLIC-${id}`).waitFor();
  await tess.getByText(`PUBLIC-${id}`).first().waitFor();
  assert.equal(await ritaStatus.getByText(`INTERNAL-${id}`).count(), 0, 'internal entries stay with the team');
  assert.equal(await rita.getByText(`INTERNAL-${id}`).count(), 0, 'internal entries stay with the team');
  assert.equal(await bea.getByText(`Hub down ${id}`).count(), 0, 'another community still sees nothing');

  // Sam pins the public update as a key moment and adds a task; Tess's board shows both live.
  const samUpdate = sam.locator('ol.incident-timeline li.entry').filter({ hasText: `PUBLIC-${id}` });
  await samUpdate.getByRole('button', { name: 'Pin' }).click();
  await tess.locator('ol.incident-timeline li.entry.pinned').filter({ hasText: `PUBLIC-${id}` }).waitFor();
  await sam.getByLabel('New task').fill(`Raise the quota TASK-${id}`);
  await sam.getByRole('button', { name: 'Add task' }).click();
  await tess.locator('ul.incident-tasks').getByText(`Raise the quota TASK-${id}`).waitFor();
  assert.equal(await ritaStatus.getByText(`TASK-${id}`).count(), 0, 'tasks are the team\'s');

  // Sam hands command to Tess: Tess's board says so at once, and Sam's shows her as commander.
  await sam.getByLabel('Hand command to').selectOption({ label: 'Tess Steward' });
  await sam.getByRole('button', { name: 'Hand over command' }).click();
  await tess.getByText('You are the incident commander.').waitFor();
  await sam.locator('dd.commander').filter({ hasText: 'Tess Steward' }).waitFor();
  assert.equal(await sam.getByText('You are the incident commander.').count(), 0);
  await ritaStatus.locator('dd.commander').filter({ hasText: 'Tess Steward' }).waitFor();

  // Tess resolves it (and the linked ticket with it); Rita's page shows the new phase live.
  await tess.getByRole('button', { name: 'Resolve', exact: true }).click();
  await ritaStatus.locator('.badge.phase').filter({ hasText: 'Resolved' }).waitFor();
  await tess.getByRole('link', { name: 'The incident report' }).click();
  await tess.getByRole('heading', { name: `Incident ${incident} report` }).waitFor();
  assert.match(await tess.getByLabel('Timeline (Markdown)').inputValue(), new RegExp(`PUBLIC-${id}`), 'drafted from the pin');
  await tess.getByLabel('Summary (Markdown)').fill(`Spawns timed out for **an hour**. SUMMARY-${id}`);
  await tess.getByRole('button', { name: 'Save' }).click();
  await tess.getByText('Saved.').waitFor();
  await tess.getByRole('button', { name: 'Send for review' }).click();
  await tess.getByText('Now in review.').waitFor();
  await tess.getByRole('button', { name: 'Publish' }).click();
  await tess.locator('.badge.state').filter({ hasText: 'Published' }).waitFor();

  // Rita reads the published report.
  await ritaStatus.getByRole('link', { name: 'The incident report' }).click();
  await ritaStatus.getByText(`SUMMARY-${id}`).waitFor();
  assert.equal(await ritaStatus.locator('.report strong').filter({ hasText: 'an hour' }).count(), 1, 'Markdown rendered');
  assert.equal(await ritaStatus.getByRole('textbox').count(), 0, 'a representative reads, does not edit');
});

async function assertEventually(check, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('an admin sets how often incident updates are owed, and every value out of range is named at once', async () => {
  const admin = await signedInPage(browser, PEOPLE.admin);
  await admin.goto('/settings');
  const section = admin.getByRole('heading', { name: 'Incident updates' }).locator('..');
  const productionDown = admin.getByLabel('Production down: every … minutes');
  await assertEventually(async () => (await productionDown.inputValue()) !== '');
  const before = await productionDown.inputValue();
  await productionDown.fill('2');
  await admin.getByLabel('Normal: every … minutes').fill('99999');
  await section.getByRole('button', { name: 'Save' }).click();
  await assertEventually(async () => (await section.locator('.field-error').count()) === 2);
  assert.equal(await productionDown.getAttribute('aria-invalid'), 'true');
  assert.equal(await productionDown.inputValue(), '2', 'what was typed stays');
  await productionDown.fill(before);
  await admin.getByLabel('Normal: every … minutes').fill('1440');
  await section.getByRole('button', { name: 'Save' }).click();
  await section.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
  assert.equal(await section.locator('.field-error').count(), 0);
});
