// The pages a large team lives in, at the size it reaches, in a real Chromium (run by
// `cargo xtask bench`). Tickets are written straight into the benchmark database
// (STEWARD_DATABASE_URL), spread over every state, and removed again afterwards.
// With 5,000 more tickets:
// - board_5k_interactive_ms: from navigating to /board until the first card is in the page
//   and can take focus (median of 3 loads; includes reading the whole board);
// - board_5k_longest_task_ms: the longest task Chromium reports during those loads and the
//   second after each (it reports only tasks over 50 ms: 0 means none was);
// - board_5k_drop_paint_ms: from dropping a card on another column (a mouse drop) until the
//   first frame that has it there begins (median of 5 drops; the # line says which frame after
//   the drop it was: 1 is the next one);
// - triage_5k_interactive_ms: the same as the board's, for /triage and its first entry.
// With 10,000 more:
// - list_10k_interactive_ms: the same for /tickets and its first row.
import { execFileSync } from 'node:child_process';
import { launchBrowser, signedInPage, PEOPLE } from '../support.mjs';

const TITLE = 'Large team';
const database = process.env.STEWARD_DATABASE_URL;
if (!database) throw new Error('STEWARD_DATABASE_URL is not set');
const psql = (sql) => execFileSync('psql', [database, '-qAtc', sql], { encoding: 'utf8' });

const STATES = ['awaiting_approval', 'new', 'open', 'in_progress', 'pending', 'resolved', 'closed'];
/** Adds `count` tickets, numbered on from `from`, in every state in turn. */
function addTickets(from, count) {
  psql(`
    INSERT INTO tickets (community_id, requester_id, request_type, priority, state, title, description,
                         confidential, form_answers, version, created_at, updated_at, board_rank, clocks,
                         resolved_at, closed_at)
    SELECT c.id, p.id, 'other', 'normal', (ARRAY['${STATES.join("','")}'])[1 + n % ${STATES.length}],
           '${TITLE} ' || n, 'Filed by the benchmark.', false, '[]', 1,
           now() - n * interval '1 minute', now(), 1000000 + n, '[]',
           CASE WHEN n % ${STATES.length} >= 5 THEN now() END, CASE WHEN n % ${STATES.length} = 6 THEN now() END
    FROM generate_series(${from}, ${from + count - 1}) AS n,
         (SELECT id FROM communities ORDER BY id LIMIT 1) AS c,
         (SELECT id FROM people WHERE staff_role IS NULL ORDER BY id LIMIT 1) AS p`);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Opens `path` 3 times; the median time until `selector` is in the page, and the longest task. */
async function interactive(page, path, selector) {
  const loads = [];
  let longest = 0;
  for (let i = 0; i < 3; i += 1) {
    await page.goto(path);
    await page.waitForFunction((s) => window.__bench.first(s) !== null, selector, { timeout: 60_000 });
    await page.waitForTimeout(1000);
    const [first, seen] = await page.evaluate((s) => [window.__bench.first(s), window.__bench.longest], selector);
    loads.push(first);
    longest = Math.max(longest, seen);
  }
  return { loads, median: median(loads), longest };
}

addTickets(1, 5000);
const browser = await launchBrowser();
try {
  const page = await signedInPage(browser, PEOPLE.sam);
  await page.setViewportSize({ width: 1280, height: 900 });
  // Every document records when what a measure waits for first appeared, and its long tasks.
  await page.addInitScript(() => {
    const seen = new Map();
    window.__bench = {
      longest: 0,
      first: (selector) => {
        if (!seen.has(selector)) {
          seen.set(selector, null);
          const look = () => {
            if (seen.get(selector) === null && document.querySelector(selector)) seen.set(selector, performance.now());
          };
          new MutationObserver(look).observe(document, { childList: true, subtree: true });
          look();
        }
        return seen.get(selector);
      },
    };
    // Watched from the start of the document, before the app runs.
    window.__bench.first('li.card[tabindex]');
    window.__bench.first('li.queue-entry');
    window.__bench.first('table.tickets tbody tr');
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__bench.longest = Math.max(window.__bench.longest, entry.duration);
    }).observe({ type: 'longtask', buffered: true });
  });

  const board = await interactive(page, '/board', 'li.card[tabindex]');
  const counted = await page.evaluate(() =>
    [...document.querySelectorAll('section.column .count')].reduce((sum, count) => sum + Number(count.textContent), 0),
  );
  const drawn = await page.locator('li.card').count();
  console.log(`# board loads: ${board.loads.map((ms) => ms.toFixed(0)).join(', ')} ms; ${counted} cards on the board, ${drawn} drawn`);
  console.log(`board_5k_interactive_ms: ${board.median.toFixed(1)}`);
  console.log(`board_5k_longest_task_ms: ${board.longest.toFixed(1)}`);

  await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
  const drops = [];
  const frames = [];
  const answers = [];
  for (let i = 0; i < 5; i += 1) {
    const [shown, frame, answered] = await page.evaluate(async () => {
      const from = document.querySelector('section.column[data-state="New"] li.card');
      const to = document.querySelector('section.column[data-state="Open"]');
      const number = from.dataset.number;
      const transfer = new DataTransfer();
      from.dispatchEvent(new DragEvent('dragstart', { bubbles: true, dataTransfer: transfer }));
      const card = () => document.querySelector(`section.column[data-state="Open"] #card-${number}`);
      const started = performance.now();
      to.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: transfer }));
      // The first frame whose rendering has the card in its new column: what it paints.
      let frames = 0;
      const shown = await new Promise((resolve) => {
        const frame = () => {
          frames += 1;
          if (card()) resolve(performance.now() - started);
          else requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      });
      const answered = await new Promise((resolve, reject) => {
        const check = () => {
          if (card() && !card().classList.contains('moving')) resolve(performance.now() - started);
          else if (performance.now() - started > 20_000) reject(new Error(`card #${number} was not moved in 20 s`));
          else requestAnimationFrame(check);
        };
        check();
      });
      return [shown, frames, answered];
    });
    drops.push(shown);
    frames.push(frame);
    answers.push(answered);
  }
  console.log(
    `# drops New -> Open: shown in frame ${frames.join(', ')} after the drop, at ${drops.map((ms) => ms.toFixed(0)).join(', ')} ms; the server's answer shown ${answers.map((ms) => ms.toFixed(0)).join(', ')} ms`,
  );
  console.log(`board_5k_drop_paint_ms: ${median(drops).toFixed(1)}`);

  const triage = await interactive(page, '/triage', 'li.queue-entry');
  const queued = await page.locator('#queue-count').textContent();
  console.log(`# triage loads: ${triage.loads.map((ms) => ms.toFixed(0)).join(', ')} ms (${queued}); longest task ${triage.longest.toFixed(0)} ms`);
  console.log(`triage_5k_interactive_ms: ${triage.median.toFixed(1)}`);

  addTickets(5001, 5000);
  const list = await interactive(page, '/tickets', 'table.tickets tbody tr');
  console.log(`# ticket list loads: ${list.loads.map((ms) => ms.toFixed(0)).join(', ')} ms; longest task ${list.longest.toFixed(0)} ms`);
  console.log(`list_10k_interactive_ms: ${list.median.toFixed(1)}`);
} finally {
  await browser.close();
  psql(`DELETE FROM tickets WHERE title LIKE '${TITLE} %'`);
}
