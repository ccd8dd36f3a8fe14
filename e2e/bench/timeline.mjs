// The incident board's figures in a real Chromium (run by `cargo xtask bench`, after the
// benchmark client made "Benchmark timeline", an incident with 10,000 timeline entries):
// - incident_timeline_10k_render_ms: from clicking the incident in the list until its newest
//   entry is drawn and the page has answered the next frame (median of 3 opens; includes the
//   read of all 10,000 entries);
// - incident_timeline_new_entry_ms: from clicking Post until the new entry is on the timeline
//   (includes the write and the live stream's delivery).
import { launchBrowser, signedInPage, PEOPLE } from '../support.mjs';

const TITLE = 'Benchmark timeline';
const browser = await launchBrowser();
try {
  const page = await signedInPage(browser, PEOPLE.sam);
  await page.setViewportSize({ width: 1280, height: 900 });
  const opens = [];
  for (let i = 0; i < 3; i += 1) {
    await page.goto('/incidents?show=all');
    await page.getByRole('link', { name: new RegExp(TITLE) }).waitFor();
    opens.push(
      await page.evaluate(async (title) => {
        const link = [...document.querySelectorAll('a')].find((a) => a.textContent.includes(title));
        const started = performance.now();
        link.click();
        await new Promise((resolve) => {
          const check = () => {
            const entries = document.querySelectorAll('ol.incident-timeline li.entry');
            const last = entries[entries.length - 1];
            if (last && last.textContent.includes('Benchmark note 10000')) resolve();
            else requestAnimationFrame(check);
          };
          check();
        });
        await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
        return performance.now() - started;
      }, TITLE),
    );
  }
  opens.sort((a, b) => a - b);
  const drawn = await page.locator('ol.incident-timeline li.entry').count();
  console.log(`# timeline opens: ${opens.map((ms) => ms.toFixed(0)).join(', ')} ms; ${drawn} entries drawn of 10,001`);
  console.log(`incident_timeline_10k_render_ms: ${opens[1].toFixed(1)}`);

  await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
  await page.getByRole('radio', { name: 'Internal note (the team only)' }).check();
  await page.getByLabel('Update', { exact: true }).fill('Benchmark: a new entry');
  const appeared = await page.evaluate(async () => {
    const started = performance.now();
    [...document.querySelectorAll('button')].find((b) => b.textContent === 'Post').click();
    // The board draws the newest entries: the new one is the last.
    await new Promise((resolve, reject) => {
      const check = () => {
        const entries = document.querySelectorAll('ol.incident-timeline li.entry');
        const last = entries[entries.length - 1];
        if (last && last.textContent.includes('Benchmark: a new entry')) resolve();
        else if (performance.now() - started > 10_000) reject(new Error('the new entry did not appear in 10 s'));
        else requestAnimationFrame(check);
      };
      check();
    });
    return performance.now() - started;
  });
  console.log(`incident_timeline_new_entry_ms: ${appeared.toFixed(1)}`);
} finally {
  await browser.close();
}
