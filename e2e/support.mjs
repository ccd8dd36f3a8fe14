// Shared set-up for the browser tests: one headless Debian Chromium per test file (Playwright
// gives it a fresh profile), a fresh browser context (its own cookies) per person, and sign-in as the README's demo accounts.
// STEWARD_URL (the server under test) and CHROMIUM are set by `cargo xtask test`.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

export const BASE_URL = process.env.STEWARD_URL ?? 'http://127.0.0.1:8080';
export const PASSWORD = 'demo-password-2026';

export const PEOPLE = {
  admin: 'admin@steward.example',
  sam: 'sam@steward.example',
  tess: 'tess@steward.example',
  rita: 'rita@aurora.example',
  milo: 'milo@aurora.example',
  bea: 'bea@borealis.example',
};

/** Starts Chromium the way this machine allows (root, no sandbox, no network but loopback). */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A new context (own cookies) signed in as `email`, on the tickets page. */
export async function signedInPage(browser, email) {
  const context = await browser.newContext({ baseURL: BASE_URL });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => console.error(`[${email}] page error: ${error.message}`));
  // A panic in the app is reported on the console (console_error_panic_hook): show it.
  page.on('console', (message) => {
    if (message.type() === 'error') console.error(`[${email}] console: ${message.text().split('\n')[0]}`);
  });
  await page.goto('/signin');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Tickets' }).waitFor();
  return page;
}

/** Files an "Other" request through the form as the page's person and returns its number. */
export async function fileRequest(page, title, description = 'Filed by a browser test.') {
  await page.getByRole('link', { name: 'New request' }).click();
  await page.getByRole('heading', { name: 'New request' }).waitFor();
  await page.getByRole('radio', { name: 'Other' }).check();
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Description').fill(description);
  await page.getByRole('radio', { name: 'Normal' }).check();
  await page.getByRole('button', { name: 'Submit request' }).click();
  await page.waitForURL(/\/tickets\/\d+$/);
  return Number(new URL(page.url()).pathname.split('/').pop());
}

/**
 * Writes `count` tickets titled `${title} 1` ... straight into the test database
 * (STEWARD_DATABASE_URL), for a test that needs more than it could file by hand: in `state`, in
 * the first community, a day old (so below newer tickets in the lists) and at the bottom of
 * their board column. `removeTickets(title)` takes them away again.
 */
export function addTickets(title, count, state) {
  psql(`
    INSERT INTO tickets (community_id, requester_id, request_type, priority, state, title, description,
                         confidential, form_answers, version, board_rank, clocks, created_at, updated_at)
    SELECT c.id, p.id, 'other', 'normal', '${state}', '${title} ' || n, 'Written by a browser test.', false,
           '[]', 1, 1e9 + n, '[]', now() - interval '1 day' - n * interval '1 second',
           now() - interval '1 day' - n * interval '1 second'
    FROM generate_series(1, ${count}) AS n,
         (SELECT id FROM communities ORDER BY id LIMIT 1) AS c,
         (SELECT id FROM people WHERE staff_role IS NULL ORDER BY id LIMIT 1) AS p`);
}

/** Removes the tickets `addTickets(title, ...)` wrote. */
export function removeTickets(title) {
  psql(`DELETE FROM tickets WHERE title LIKE '${title} %'`);
}

function psql(sql) {
  execFileSync('psql', [process.env.STEWARD_DATABASE_URL, '-qAtc', sql], { encoding: 'utf8' });
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * What axe-core finds wrong with the page as it stands (WCAG 2.1 A and AA and axe's best
 * practices), one line per element: `rule: selector (what to fix)`. Injected through the
 * DevTools protocol, which the page's Content-Security-Policy does not govern.
 */
export async function accessibilityViolations(page) {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return result.violations.flatMap((v) =>
      v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} (${n.failureSummary.replace(/\s+/g, ' ').slice(0, 200)})`),
    );
  });
  return violations;
}

/** A unique suffix so reruns against the same database never collide. */
export function unique() {
  return `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort() {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a `steward serve` of the test's own on `port`, on the same database as the main server
 * (STEWARD_BIN, STEWARD_DATABASE_URL and STEWARD_STATIC_DIR are set by `cargo xtask test`), and
 * waits until it answers. Returns { url, stop }: stop() sends SIGTERM and waits for the exit.
 */
export async function startOwnServer(port) {
  const { spawn } = await import('node:child_process');
  for (const name of ['STEWARD_BIN', 'STEWARD_DATABASE_URL', 'STEWARD_STATIC_DIR']) {
    if (!process.env[name]) throw new Error(`${name} is not set: run the browser tests with cargo xtask test`);
  }
  const child = spawn(process.env.STEWARD_BIN, ['serve'], {
    env: {
      ...process.env,
      DATABASE_URL: process.env.STEWARD_DATABASE_URL,
      STEWARD_ADDR: `127.0.0.1:${port}`,
      STEWARD_STATIC_DIR: process.env.STEWARD_STATIC_DIR,
      RUST_LOG: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const response = await fetch(`${url}/signin`);
      if (response.ok) break;
    } catch {
      // not up yet
    }
    if (child.exitCode !== null) throw new Error(`steward serve exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`steward serve did not answer on ${url}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
