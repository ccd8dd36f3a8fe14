// Confidential details (issue 14) end to end, with real GnuPG: an admin adds the support team's
// key; a representative's secret answer is encrypted in her browser, so no request body, database
// row or server log line holds its plaintext, and `gpg --decrypt` reads what Steward stored; a
// steward unlocks the team's private key in the page and reads it in place; a block encrypted
// with `gpg --encrypt --armor` is taken as it is, and a reply marked Encrypted is sealed too, with
// its files, which open in place.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser, signedInPage, PEOPLE, unique, BASE_URL } from './support.mjs';

const PASSPHRASE = 'e2e team passphrase';
let browser;
let home;

/** Runs gpg in the test's own home. */
function gpg(args, input) {
  return execFileSync(
    'gpg',
    ['--batch', '--yes', '--quiet', '--pinentry-mode', 'loopback', '--passphrase', PASSPHRASE, ...args],
    { env: { ...process.env, GNUPGHOME: home }, input, maxBuffer: 16 * 1024 * 1024 },
  );
}

let publicKey;
let privateKey;
let fingerprint;

before(async () => {
  home = mkdtempSync(join(tmpdir(), 'steward-gpg-'));
  gpg(['--quick-gen-key', 'Steward Support (browser test) <support-e2e@steward.example>', 'future-default', 'default', 'never']);
  publicKey = gpg(['--armor', '--export', 'support-e2e@steward.example']).toString();
  privateKey = gpg(['--armor', '--export-secret-keys', 'support-e2e@steward.example']).toString();
  const listing = gpg(['--with-colons', '--list-keys', 'support-e2e@steward.example']).toString();
  fingerprint = listing.split('\n').find((line) => line.startsWith('fpr:')).split(':')[9];
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  try {
    execFileSync('gpgconf', ['--kill', 'gpg-agent'], { env: { ...process.env, GNUPGHOME: home } });
  } catch {
    // no agent started
  }
  rmSync(home, { recursive: true, force: true });
});

/** The fingerprint as people compare it: groups of four. */
const words = (fpr) => fpr.match(/.{4}/g).join(' ');

/** Every request body the page sends, to look for plaintext in. */
function recordBodies(page) {
  const bodies = [];
  page.on('request', (request) => {
    const body = request.postDataBuffer();
    if (body) bodies.push(body);
  });
  return bodies;
}

/** Whether `text` appears in any of `bodies`, as bytes or in gRPC-web's base64 text form. */
function sentIn(bodies, text) {
  return bodies.some((body) => body.includes(Buffer.from(text)) || body.toString('latin1').includes(text));
}

function databaseHolds(text) {
  const dump = execFileSync('pg_dump', ['--data-only', process.env.STEWARD_DATABASE_URL], { maxBuffer: 512 * 1024 * 1024 });
  return dump.includes(Buffer.from(text));
}

function serverLogHolds(text) {
  return readFileSync(process.env.STEWARD_SERVER_LOG).includes(Buffer.from(text));
}

test('a secret answer leaves the browser encrypted, GnuPG reads it, and a steward reads it in place', async () => {
  for (const name of ['STEWARD_DATABASE_URL', 'STEWARD_SERVER_LOG']) {
    assert.ok(process.env[name], `${name} is set by cargo xtask test`);
  }
  const admin = await signedInPage(browser, PEOPLE.admin);
  await admin.goto('/settings');
  await admin.getByRole('heading', { name: 'Encryption keys' }).waitFor();
  // A private key pasted by mistake is refused, beside the field, and nothing is kept.
  await admin.locator('#team-key').fill(privateKey);
  await admin.getByRole('button', { name: 'Add key' }).click();
  await admin.getByText(/holds a private key/).waitFor();
  assert.equal(await admin.locator('#team-key').getAttribute('aria-invalid'), 'true');
  await admin.locator('#team-key').fill(publicKey);
  await admin.getByRole('button', { name: 'Add key' }).click();
  await admin.getByText(words(fingerprint)).first().waitFor();

  // The How to get support page shows it to anyone, to verify and to use with gpg.
  const visitor = await (await browser.newContext({ baseURL: BASE_URL })).newPage();
  await visitor.goto('/support');
  await visitor.getByText(words(fingerprint)).first().waitFor();
  const download = visitor.waitForEvent('download');
  await visitor.getByRole('link', { name: /Download the public key/ }).first().click();
  const saved = await (await download).path();
  assert.match(readFileSync(saved, 'utf8'), /BEGIN PGP PUBLIC KEY BLOCK/);

  const rita = await signedInPage(browser, PEOPLE.rita);
  const ritaSent = recordBodies(rita);
  const secret = `temporary password ${unique()}`;
  await rita.getByRole('link', { name: 'New request' }).click();
  await rita.getByRole('heading', { name: 'New request' }).waitFor();
  await rita.getByRole('radio', { name: 'Add or remove a user' }).check();
  await rita.getByLabel('Title').fill(`Access for Nora ${unique()}`);
  await rita.getByLabel('Description').fill('Nora joins the team; her first password is below.');
  await rita.getByLabel('Add or remove, and which access?').fill('Add as hub admin');
  await rita.getByLabel('Who?').fill('Nora New <nora@aurora.example>');
  await rita.getByLabel('Which hub or environment?').fill('aurora-prod');
  await rita.locator('#answer-secrets').fill(secret);
  await rita.getByRole('radio', { name: 'Normal' }).check();
  await rita.getByRole('button', { name: 'Submit request' }).click();
  await rita.waitForURL(/\/tickets\/\d+$/);
  const number = Number(new URL(rita.url()).pathname.split('/').pop());
  await rita.locator('.sealed').getByText(`Encrypted for`).waitFor();

  assert.ok(!sentIn(ritaSent, secret), 'no request body carried the plaintext');
  assert.ok(!databaseHolds(secret), 'no database row holds the plaintext');
  assert.ok(!serverLogHolds(secret), 'no server log line holds the plaintext');
  await rita.locator('.sealed summary').click();
  const stored = await rita.locator('.sealed pre.sealed-block').textContent();
  assert.match(stored, /^-----BEGIN PGP MESSAGE-----/);
  assert.equal(gpg(['--decrypt'], stored).toString(), secret, 'GnuPG reads what Steward stored');
  const packets = gpg(['--list-packets'], stored).toString();
  assert.match(packets, /pubkey enc packet: version 3/, 'PKESK v3');
  assert.match(packets, /encrypted data packet:[\s\S]*mdc_method: 2/, 'SEIPD v1 (with MDC)');

  // A steward unlocks the team's private key in the page: it stays in the tab.
  const sam = await signedInPage(browser, PEOPLE.sam);
  const samSent = recordBodies(sam);
  await sam.goto(`/tickets/${number}`);
  const answer = sam.locator('dl.answers .sealed');
  await answer.getByRole('button', { name: 'Read here' }).click();
  await sam.locator('#private-key').fill(privateKey);
  await sam.locator('#passphrase').fill('not the passphrase');
  await sam.getByRole('button', { name: 'Unlock and read' }).click();
  await sam.getByText('That passphrase does not unlock this key.').waitFor();
  await sam.locator('#passphrase').fill(PASSPHRASE);
  await sam.getByRole('button', { name: 'Unlock and read' }).click();
  assert.equal(await answer.locator('.opened-text').textContent(), secret);
  assert.ok(!sentIn(samSent, PASSPHRASE), 'the passphrase never left the tab');
  assert.ok(!sentIn(samSent, 'PRIVATE KEY BLOCK'), 'the private key never left the tab');

  // Rita pastes a block she encrypted with gpg herself: taken as it is.
  const fromGpg = `the VPN code is ${unique()}`;
  const block = gpg(['--trust-model', 'always', '--encrypt', '--armor', '-r', fingerprint], fromGpg).toString();
  await rita.getByLabel('Message').fill(block);
  await rita.getByRole('button', { name: 'Send' }).click();
  const pasted = sam.locator('ol.conversation .sealed').last();
  await pasted.waitFor();
  await pasted.getByRole('button', { name: 'Read here' }).click();
  await pasted.locator('.opened-text').waitFor();
  assert.equal(await pasted.locator('.opened-text').textContent(), fromGpg, 'unlocked once, read again without asking');

  // A reply marked Encrypted is sealed in Sam's tab before it is sent.
  const reply = `new password ${unique()}`;
  await sam.locator('#encrypt-reply').check();
  await sam.getByLabel('Message').fill(reply);
  await sam.getByRole('button', { name: 'Send' }).click();
  await sam.locator('ol.conversation .sealed').nth(1).waitFor();
  assert.ok(!sentIn(samSent, reply), 'the reply left the tab encrypted');
  await rita.locator('ol.conversation .sealed').nth(1).waitFor();
  await rita.locator('ol.conversation .sealed').nth(1).locator('summary').click();
  const sealedReply = await rita.locator('ol.conversation .sealed').nth(1).locator('pre.sealed-block').textContent();
  assert.equal(gpg(['--decrypt'], sealedReply).toString(), reply);
  assert.ok(!databaseHolds(reply) && !serverLogHolds(reply));

  // A file chosen while Encrypt is on goes up encrypted, under a neutral name. Sam, whose key
  // is unlocked, opens it in place (a screenshot shows); gpg reads the stored file too.
  const screenshot = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
    'base64',
  );
  await sam.locator('#encrypt-reply').check();
  await sam.locator('#reply-files').setInputFiles({ name: 'hub-admin-password.png', mimeType: 'image/png', buffer: screenshot });
  await sam.locator('.chosen-files').getByText('ready').waitFor();
  await sam.getByLabel('Message').fill('The screenshot is attached.');
  await sam.getByRole('button', { name: 'Send' }).click();
  const sealedFile = sam.locator('ol.conversation .sealed-file').last();
  await sealedFile.getByRole('button', { name: 'Open here' }).click();
  const openedLink = sealedFile.getByRole('link', { name: 'Save opened-file.png' });
  await openedLink.waitFor();
  const preview = sealedFile.locator('img.file-preview');
  await preview.waitFor();
  await sam.waitForFunction((img) => img.complete && img.naturalWidth === 1, await preview.elementHandle());
  const openedDownload = sam.waitForEvent('download');
  await openedLink.click();
  assert.deepEqual(readFileSync(await (await openedDownload).path()), screenshot, 'opened in the tab');
  assert.ok(!sentIn(samSent, 'hub-admin-password'), 'its name never left the tab');
  assert.ok(
    !samSent.some((body) => body.includes(screenshot.subarray(16))),
    'nor did its bytes, except encrypted',
  );
  const storedDownload = sam.waitForEvent('download');
  await sealedFile.getByRole('link', { name: 'Encrypted file' }).click();
  assert.deepEqual(gpg(['--decrypt'], readFileSync(await (await storedDownload).path())), screenshot);

  // Steward cannot read an encrypted note, so it says nobody mentioned in one hears of it.
  await sam.getByRole('radio', { name: 'Internal note' }).check();
  await sam.getByLabel('Message').fill('@Ada Admin can you rotate this?');
  await sam.getByText(/Nobody @mentioned in an encrypted note is notified/).waitFor();
  await sam.locator('#encrypt-reply').uncheck();
  assert.equal(await sam.getByText(/Nobody @mentioned in an encrypted note/).count(), 0, 'a plain note notifies as usual');

  // Retired again, so the other browser tests meet the desk as the demo made it.
  await admin.reload();
  await admin.getByRole('button', { name: 'Retire' }).first().click();
  await admin.getByRole('button', { name: /Retire this key|Yes, retire/ }).click();
  await admin.getByRole('status').getByText(/^Retired/).waitFor();
  // No longer listed, once the list is read again.
  await admin.locator('ul.team-keys', { hasText: words(fingerprint) }).waitFor({ state: 'detached' });
});
