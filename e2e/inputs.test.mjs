// Inputs as people type them, and as attackers do: a form with every field wrong shows every
// error after one submit and starts the person at the first; Markdown is rendered the same on
// every page; script typed into any text field stays inert text wherever it is shown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, signedInPage, PEOPLE, BASE_URL, unique } from './support.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('filing an incident with nothing filled names every missing field after one submit', async () => {
  const rita = await signedInPage(browser, PEOPLE.rita);
  await rita.getByRole('link', { name: 'New request' }).click();
  await rita.getByRole('heading', { name: 'New request' }).waitFor();
  await rita.getByRole('radio', { name: 'Incident' }).check();
  // Required fields say so before anything is submitted.
  await rita.getByRole('textbox', { name: 'Title (required)' }).waitFor();
  const requests = [];
  rita.on('request', (r) => r.url().endsWith('/CreateTicket') && requests.push(r));
  await rita.getByRole('button', { name: 'Submit request' }).click();

  const summary = rita.getByRole('alert').filter({ hasText: /^Please check \d+ fields/ });
  await summary.waitFor();
  const count = Number((await summary.textContent()).match(/Please check (\d+) fields/)[1]);
  const marked = await rita.locator('#request-form .field-error').count();
  assert.ok(count >= 5, `an empty incident has at least five problems, got ${count}`);
  assert.equal(marked, count, 'each problem is shown beside its field');
  assert.equal(requests.length, 1, 'one submit');
  for (const id of ['title', 'description']) {
    assert.equal(await rita.locator(`#${id}`).getAttribute('aria-invalid'), 'true', `${id} is marked`);
  }
  // Focus is on the first field to fix (the community is chosen: Rita has one), not the body.
  const focused = await rita.evaluate(() => document.activeElement?.getAttribute('aria-invalid'));
  assert.equal(focused, 'true', 'focus moved to a field marked invalid');
  const first = await rita.evaluate(() => document.querySelector('#request-form [aria-invalid="true"]') === document.activeElement);
  assert.ok(first, 'the first of them');

  // Public means public, said where the choice is made.
  await rita.getByText(/anyone can read this request and its public replies/).waitFor();
  await rita.getByLabel('Confidential').check();
  await rita.getByText(/only the person who filed it, their community's representatives and the support team/).waitFor();
  await rita.context().close();
});

test('every form marks each wrong field and starts at the first: a new response template with nothing filled', async () => {
  const admin = await signedInPage(browser, PEOPLE.admin);
  await admin.goto(`${BASE_URL}/settings`);
  await admin.getByRole('heading', { name: 'Response templates' }).waitFor();
  await admin.getByText('Add a template').click();
  const form = admin.locator('form.template-form').filter({ has: admin.locator('#template-key-new') });
  await form.getByRole('button', { name: 'Save template' }).click();
  await form.locator('.field-error').nth(2).waitFor();
  assert.equal(await form.locator('.field-error').count(), 3, 'key, name and text are each named');
  for (const id of ['template-key-new', 'template-name-new', 'template-body-new']) {
    assert.equal(await admin.locator(`#${id}`).getAttribute('aria-invalid'), 'true', `${id} is marked`);
  }
  const focused = await admin.evaluate(() => document.activeElement?.id);
  assert.equal(focused, 'template-key-new', 'focus is on the first field to fix');
  // Fixing one field and submitting again clears its mark and keeps the others'.
  await admin.locator('#template-key-new').fill('welcome');
  await form.getByRole('button', { name: 'Save template' }).click();
  await admin.waitForFunction(() => document.querySelector('#template-key-new')?.getAttribute('aria-invalid') === 'false');
  assert.equal(await form.locator('.field-error').count(), 2);
  assert.equal(await admin.evaluate(() => document.activeElement?.id), 'template-name-new');
  await admin.context().close();
});

// Each payload, if it ran or became markup, would leave a mark the page can see: an element
// that is not Steward's (img, iframe, svg, script from the payload), an event-handler
// attribute, or a javascript: link. The Content-Security-Policy would stop the script itself,
// so the test looks at the document instead: a payload is inert only if it stayed text.
const PAYLOADS = [
  '<img src=x onerror="document.title=\'pwned\'">',
  '<script>document.title="pwned"</script>',
  '"><svg onload=alert(1)>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '[click me](javascript:alert(1))',
  '<a href="javascript:alert(1)">link</a>',
  "'><details open ontoggle=alert(1)>",
];

async function injected(page) {
  return page.evaluate(() => {
    const found = [];
    for (const el of document.querySelectorAll('main *, body > *:not(script)')) {
      for (const attr of el.getAttributeNames()) {
        if (attr.startsWith('on')) found.push(`${el.tagName} ${attr}`);
      }
      const href = el.getAttribute('href') ?? el.getAttribute('src') ?? '';
      if (/^\s*javascript:/i.test(href)) found.push(`${el.tagName} ${href}`);
      if (['IMG', 'IFRAME', 'SVG', 'SCRIPT', 'OBJECT', 'EMBED'].includes(el.tagName.toUpperCase())) {
        found.push(el.tagName);
      }
    }
    return found;
  });
}

async function assertInert(page, where) {
  await page.waitForTimeout(300);
  assert.deepEqual(await injected(page), [], `nothing injected on ${where}`);
  assert.notEqual(await page.title(), 'pwned', `no script ran on ${where}`);
}

test('script typed into every text field stays inert text on every page that shows it; Markdown renders', async () => {
  const mark = unique();
  const payload = PAYLOADS.join(' ');
  const title = `XSS ${mark} ${PAYLOADS[0]}`;
  const rita = await signedInPage(browser, PEOPLE.rita);
  const dialogs = [];
  for (const page of [rita]) page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });

  await rita.getByRole('link', { name: 'New request' }).click();
  await rita.getByRole('radio', { name: 'Change request' }).check();
  await rita.getByLabel('Title').fill(title);
  await rita.getByLabel('Description').fill(`**Bold ${mark}** and a list:\n\n- one\n- two\n\nSee https://docs.example.org/${mark}\n\n${payload}`);
  await rita.getByLabel('Which hub or environment?').fill(`hub ${PAYLOADS[2]}`);
  await rita.getByLabel('What should change?').fill(payload);
  await rita.getByLabel('Why, and by when?').fill(PAYLOADS[1]);
  await rita.getByRole('radio', { name: 'Normal' }).check();
  await rita.getByRole('button', { name: 'Submit request' }).click();
  await rita.waitForURL(/\/tickets\/\d+$/);
  const number = Number(new URL(rita.url()).pathname.split('/').pop());
  await rita.getByRole('heading', { name: new RegExp(`#${number} XSS ${mark}`) }).waitFor();

  // Markdown: bold, a list, a clickable bare address; the payload shown as the text it is.
  await rita.locator('.markdown strong', { hasText: `Bold ${mark}` }).waitFor();
  assert.equal(await rita.locator('.markdown ul li').count(), 2);
  const link = rita.getByRole('link', { name: `https://docs.example.org/${mark}` });
  assert.equal(await link.getAttribute('href'), `https://docs.example.org/${mark}`);
  assert.match(await link.getAttribute('rel'), /noopener/);
  await rita.locator('.markdown', { hasText: '<script>document.title="pwned"</script>' }).first().waitFor();
  await assertInert(rita, 'the requester\'s ticket page');

  const reply = `Reply ${mark} ${payload}`;
  await rita.getByLabel('Message').fill(reply);
  await rita.getByRole('button', { name: 'Send' }).click();
  await rita.locator('.entry', { hasText: `Reply ${mark}` }).waitFor();
  await assertInert(rita, 'the conversation');

  const sam = await signedInPage(browser, PEOPLE.sam);
  sam.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  await sam.goto(`/tickets/${number}`);
  await sam.getByRole('heading', { name: new RegExp(`#${number} XSS ${mark}`) }).waitFor();
  await sam.getByRole('radio', { name: 'Internal note' }).check();
  await sam.getByLabel('Message').fill(`Note ${mark} ${payload}`);
  await sam.getByRole('button', { name: 'Send' }).click();
  await sam.locator('.entry', { hasText: `Note ${mark}` }).waitFor();
  await sam.getByLabel('Issue address').fill(`https://git.example.org/hub/issues/${Date.now() % 100000}`);
  await sam.getByLabel('Issue title').fill(`Issue ${mark} ${PAYLOADS[0]} ${PAYLOADS[5]}`);
  await sam.getByRole('button', { name: 'Link issue' }).click();
  await sam.getByRole('link', { name: new RegExp(`Issue ${mark}`) }).waitFor();
  await assertInert(sam, 'the steward\'s ticket page');

  for (const [page, path, who] of [
    [sam, '/tickets', 'the ticket list'],
    [sam, '/board', 'the board'],
    [sam, '/triage', 'the triage queue'],
    [rita, `/tickets/${number}`, 'the requester\'s page again'],
  ]) {
    await page.goto(path);
    await page.getByText(`XSS ${mark}`).first().waitFor();
    await assertInert(page, `${who}`);
  }

  // The public pages, read by anyone.
  const anonymous = await browser.newContext({ baseURL: BASE_URL });
  const reader = await anonymous.newPage();
  reader.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  await reader.goto('/known-issues');
  await reader.getByText(`XSS ${mark}`).first().waitFor();
  await assertInert(reader, 'the known-issues list');
  await reader.goto(`/known-issues/${number}`);
  await reader.locator('.markdown', { hasText: `Reply ${mark}` }).waitFor();
  await reader.locator('.markdown strong', { hasText: `Bold ${mark}` }).waitFor();
  await assertInert(reader, 'the public page');
  // The requester's reply is there, not her name.
  assert.equal(await reader.getByText('Rita').count(), 0, 'the requester is not named on the public page');
  await reader.getByText('Aurora Hub community').first().waitFor();

  assert.deepEqual(dialogs, [], 'no payload opened a dialog');
  await anonymous.close();
  await rita.context().close();
  await sam.context().close();
});
