// Starts the crypto worker (crypto-worker/, built by Trunk as a no-modules worker). A failure to
// load is thrown again outside the promise, so the page's worker.onerror hears of it.
importScripts("./crypto-worker.js");
wasm_bindgen({ module_or_path: "./crypto-worker_bg.wasm" }).catch((e) => setTimeout(() => { throw e; }));
