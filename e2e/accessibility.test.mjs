// Every main page, as each person sees it, at 1280 px and at phone width (390 px), in light and in
// dark: axe-core finds nothing to fix. One test per width and scheme, each listing every problem
// it found on every page at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, signedInPage, PEOPLE, unique, fileRequest, accessibilityViolations, BASE_URL } from './support.mjs';

let browser;
let ticket;
before(async () => {
  browser = await launchBrowser();
  const rita = await signedInPage(browser, PEOPLE.rita);
  ticket = await fileRequest(rita, `Checked for accessibility ${unique()}`, 'A **request** with a [link](https://example.org).');
  await rita.context().close();
});
after(async () => {
  await browser?.close();
});

/** The pages each person uses (public pages need nobody). */
const PAGES = {
  public: ['/signin', '/known-issues', '/support', '/status', '/security'],
  rita: ['/tickets', () => `/tickets/${ticket}`, '/board', '/new', '/approvals', '/notifications', '/profile'],
  tess: ['/tickets', () => `/tickets/${ticket}`, '/board', '/triage', '/incidents', '/mail', '/new'],
  admin: ['/settings'],
};

/** Goes to `path` and waits until it has drawn what it reads. */
async function open(page, path) {
  await page.goto(path);
  await page.locator('h1').first().waitFor();
  await page.waitForFunction(() => ![...document.querySelectorAll('.loading')].some((e) => e.checkVisibility()));
  // The live indicator and the counts in the header settle.
  await page.waitForTimeout(300);
}

async function problemsAt(width, colorScheme) {
  const problems = [];
  for (const [who, paths] of Object.entries(PAGES)) {
    let page;
    if (who === 'public') {
      const context = await browser.newContext({ baseURL: BASE_URL });
      page = await context.newPage();
    } else {
      page = await signedInPage(browser, PEOPLE[who]);
    }
    await page.setViewportSize({ width, height: 900 });
    await page.emulateMedia({ colorScheme });
    for (const path of paths.map((p) => (typeof p === 'function' ? p() : p))) {
      await open(page, path);
      for (const problem of await accessibilityViolations(page)) problems.push(`${who} ${path}: ${problem}`);
    }
    // The folded navigation, opened, is checked too.
    const menu = page.getByRole('button', { name: /^Menu/ });
    if (width < 700 && (await menu.count()) > 0) {
      await menu.click();
      for (const problem of await accessibilityViolations(page)) problems.push(`${who} menu open: ${problem}`);
    }
    await page.context().close();
  }
  return problems;
}

for (const width of [1280, 390]) {
  for (const scheme of ['light', 'dark']) {
    test(`every main page at ${width} px in ${scheme} has nothing for axe-core to fix`, async () => {
      const problems = await problemsAt(width, scheme);
      assert.deepEqual(problems, [], `axe-core found:\n${problems.join('\n')}`);
    });
  }
}
