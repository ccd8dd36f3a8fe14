// encrypt_1mb_ms (run by `cargo xtask bench`): a 1 MiB file encrypted in a real Chromium by the
// crypto worker the pages use (`/crypto-worker-init.js`, the same messages `frontend/src/crypto.rs`
// sends), to a cv25519 key GnuPG made: the median of 7 after one warm-up, from posting the bytes
// to holding the sealed message. The worker's start (fetching and compiling its WebAssembly) is
// printed apart as a `#` line.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser, signedInPage, PEOPLE } from '../support.mjs';

const home = mkdtempSync(join(tmpdir(), 'steward-bench-gpg-'));
const gpg = (args) =>
  execFileSync('gpg', ['--batch', '--yes', '--quiet', '--passphrase', '', ...args], { env: { ...process.env, GNUPGHOME: home } });
gpg(['--quick-gen-key', 'Bench <bench@steward.example>', 'future-default', 'default', 'never']);
const key = gpg(['--armor', '--export', 'bench@steward.example']).toString();

const browser = await launchBrowser();
try {
  const page = await signedInPage(browser, PEOPLE.rita);
  const result = await page.evaluate(async (armored) => {
    const started = performance.now();
    const worker = new Worker('/crypto-worker-init.js');
    const waiting = new Map();
    let next = 1;
    await new Promise((resolve, reject) => {
      worker.onerror = reject;
      worker.onmessage = (event) => {
        if (event.data.ready) resolve();
      };
    });
    const ready = performance.now() - started;
    worker.onmessage = (event) => waiting.get(event.data.id)?.(event.data);
    const seal = (bytes) =>
      new Promise((resolve) => {
        const id = next++;
        waiting.set(id, resolve);
        worker.postMessage({ id, op: 'seal_bytes', keys: [armored], bytes }, [bytes.buffer]);
      });
    const times = [];
    for (let i = 0; i < 8; i += 1) {
      const bytes = new Uint8Array(1024 * 1024);
      crypto.getRandomValues(bytes.subarray(0, 65536));
      const began = performance.now();
      const answer = await seal(bytes);
      if (!answer.ok) throw new Error(answer.error);
      if (i > 0) times.push(performance.now() - began);
    }
    worker.terminate();
    times.sort((a, b) => a - b);
    return { ready, times };
  }, key);
  console.log(`# crypto worker ready after ${result.ready.toFixed(0)} ms; seals: ${result.times.map((t) => t.toFixed(0)).join(', ')} ms`);
  console.log(`encrypt_1mb_ms: ${result.times[Math.floor(result.times.length / 2)].toFixed(1)}`);
} finally {
  await browser.close();
  try {
    execFileSync('gpgconf', ['--kill', 'gpg-agent'], { env: { ...process.env, GNUPGHOME: home } });
  } catch {
    // no agent started
  }
  rmSync(home, { recursive: true, force: true });
}
