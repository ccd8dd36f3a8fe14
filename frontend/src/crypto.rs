//! The page's side of the crypto worker (`crypto-worker/`): OpenPGP sealing and opening happen
//! there, in a Web Worker started the first time a page asks, so the cryptography is neither in
//! this bundle nor loaded by a page that does not need it. Plaintext, the private key and its
//! passphrase go to the worker of this tab and nowhere else; nothing is stored.
//!
//! One worker per tab: requests wait for its `{ready: true}` and are answered by id. If the
//! worker fails (it could not load, or it broke), every waiting request fails with one sentence
//! and the next request starts a fresh worker (the unlocked key is gone with the old one).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Event, MessageEvent, Worker};

/// The worker's start script (`frontend/crypto-worker-init.js`), a classic worker.
const WORKER_URL: &str = "/crypto-worker-init.js";
const BROKEN: &str = "Encryption could not start in this browser tab: reload the page and try again.";

/// A private key unlocked in the worker.
#[derive(Clone, Debug, PartialEq)]
pub struct Unlocked {
    pub fingerprint: String,
    pub user_id: String,
}

/// `text` sealed to `keys` (armored public keys): an armored OpenPGP message.
pub async fn seal_text(keys: &[String], text: &str) -> Result<String, String> {
    let request = request("seal_text").with("keys", &strings(keys)).with("text", &JsValue::from_str(text));
    Ok(field(&ask(request, None).await?, "text").as_string().unwrap_or_default())
}

/// `bytes` sealed to `keys` (armored public keys): a binary OpenPGP message.
pub async fn seal_bytes(keys: &[String], bytes: Uint8Array) -> Result<Uint8Array, String> {
    let (bytes, transfer) = handed_over(&bytes);
    let reply = ask(request("seal_bytes").with("keys", &strings(keys)).with("bytes", &bytes), Some(transfer)).await?;
    bytes_of(&reply)
}

/// A file opened in the worker.
pub struct OpenedFile {
    /// The name it carries, or one for the kind of file it is.
    pub name: String,
    /// Its media type as its bytes say ("image/png"), or "" when they do not say.
    pub kind: String,
    pub bytes: Uint8Array,
}

/// A file (a binary or armored OpenPGP message) opened with the unlocked key.
pub async fn open_bytes(message: Uint8Array) -> Result<OpenedFile, String> {
    let reply = ask(request("open_bytes").with("bytes", &message.into()), None).await?;
    let text = |key| field(&reply, key).as_string().unwrap_or_default();
    Ok(OpenedFile { name: text("name"), kind: text("kind"), bytes: bytes_of(&reply)? })
}

/// Unlocks `key_block` (a private key, as `gpg --armor --export-secret-keys` writes it) with
/// `passphrase`, in place of any key unlocked before.
pub async fn unlock(key_block: &str, passphrase: &str) -> Result<Unlocked, String> {
    let request =
        request("unlock").with("key", &JsValue::from_str(key_block)).with("passphrase", &JsValue::from_str(passphrase));
    let reply = ask(request, None).await?;
    let text = |key| field(&reply, key).as_string().unwrap_or_default();
    Ok(Unlocked { fingerprint: text("fingerprint"), user_id: text("user_id") })
}

/// The text of `message` (an armored OpenPGP message), opened with the unlocked key.
pub async fn open_text(message: &str) -> Result<String, String> {
    let reply = ask(request("open_text").with("text", &JsValue::from_str(message)), None).await?;
    Ok(field(&reply, "text").as_string().unwrap_or_default())
}

/// Drops the unlocked key, if any (without starting the worker when none is running).
pub async fn forget() {
    if DOOR.with_borrow(Option::is_some) {
        let _ = ask(request("forget"), None).await;
    }
}

/// The running worker and what waits on it.
struct Door {
    worker: Worker,
    /// Whether the worker said `{ready: true}`; until then requests queue here.
    ready: bool,
    queued: Vec<(u32, Object, Option<JsValue>)>,
    /// Each sent request's promise (resolve, reject), by id.
    waiting: HashMap<u32, (Function, Function)>,
    _on_message: Closure<dyn Fn(MessageEvent)>,
    _on_error: Closure<dyn Fn(Event)>,
}

thread_local! {
    static DOOR: RefCell<Option<Door>> = const { RefCell::new(None) };
    static LAST_ID: Cell<u32> = const { Cell::new(0) };
}

impl Door {
    fn open() -> Result<Self, JsValue> {
        let worker = Worker::new(WORKER_URL)?;
        let on_message = Closure::<dyn Fn(MessageEvent)>::new(|event: MessageEvent| heard(&event.data()));
        let on_error = Closure::<dyn Fn(Event)>::new(|_: Event| broke());
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Self {
            worker,
            ready: false,
            queued: Vec::new(),
            waiting: HashMap::new(),
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    fn post(&self, message: &Object, transfer: Option<&JsValue>) -> Result<(), JsValue> {
        match transfer {
            Some(buffer) => self.worker.post_message_with_transfer(message, &Array::of1(buffer)),
            None => self.worker.post_message(message),
        }
    }

    /// Sends request `id` now, or queues it until the worker is ready.
    fn send(&mut self, id: u32, message: Object, transfer: Option<JsValue>, settle: (Function, Function)) {
        if !self.ready {
            self.queued.push((id, message, transfer));
            self.waiting.insert(id, settle);
        } else if self.post(&message, transfer.as_ref()).is_ok() {
            self.waiting.insert(id, settle);
        } else {
            fail(&settle.1);
        }
    }
}

/// A message from the worker: its ready signal, or an answer.
fn heard(data: &JsValue) {
    if field(data, "ready").is_truthy() {
        DOOR.with_borrow_mut(|door| {
            let Some(door) = door else { return };
            door.ready = true;
            for (id, message, transfer) in std::mem::take(&mut door.queued) {
                if door.post(&message, transfer.as_ref()).is_err()
                    && let Some((_, reject)) = door.waiting.remove(&id)
                {
                    fail(&reject);
                }
            }
        });
        return;
    }
    let Some(id) = field(data, "id").as_f64() else { return };
    let settle = DOOR.with_borrow_mut(|door| door.as_mut().and_then(|door| door.waiting.remove(&(id as u32))));
    if let Some((resolve, _)) = settle {
        let _ = resolve.call1(&JsValue::NULL, data);
    }
}

/// The worker failed: every waiting request fails, and the next one starts a fresh worker.
fn broke() {
    let Some(door) = DOOR.with_borrow_mut(Option::take) else { return };
    door.worker.set_onmessage(None);
    door.worker.set_onerror(None);
    door.worker.terminate();
    for (_, reject) in door.waiting.values() {
        fail(reject);
    }
    // This runs inside the door's own error handler: drop the handlers once it has returned.
    wasm_bindgen_futures::spawn_local(async move { drop(door) });
}

fn fail(reject: &Function) {
    let _ = reject.call1(&JsValue::NULL, &JsValue::from_str(BROKEN));
}

/// Sends `request` to the worker (starting it if need be) and waits for its answer: the answer's
/// fields, or its error sentence.
async fn ask(request: Object, transfer: Option<JsValue>) -> Result<JsValue, String> {
    let id = LAST_ID.with(|last| {
        last.set(last.get().wrapping_add(1));
        last.get()
    });
    set(&request, "id", &JsValue::from(id));
    let mut unsent = Some((request, transfer));
    let answer = Promise::new(&mut |resolve, reject| {
        let Some((request, transfer)) = unsent.take() else { return };
        DOOR.with_borrow_mut(|door| {
            if door.is_none() {
                *door = Door::open().ok();
            }
            match door {
                Some(door) => door.send(id, request, transfer, (resolve, reject)),
                None => fail(&reject),
            }
        });
    });
    let reply = JsFuture::from(answer).await.map_err(|error| error.as_string().unwrap_or_else(|| BROKEN.to_owned()))?;
    if field(&reply, "ok").is_truthy() {
        Ok(reply)
    } else {
        Err(field(&reply, "error").as_string().unwrap_or_else(|| BROKEN.to_owned()))
    }
}

fn request(op: &str) -> Object {
    Object::new().with("op", &JsValue::from_str(op))
}

trait With {
    fn with(self, key: &str, value: &JsValue) -> Self;
}

impl With for Object {
    fn with(self, key: &str, value: &JsValue) -> Self {
        set(&self, key, value);
        self
    }
}

fn set(object: &Object, key: &str, value: &JsValue) {
    // Setting a property of a plain object made here cannot fail.
    let _ = Reflect::set(object, &JsValue::from_str(key), value);
}

fn field(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn strings(texts: &[String]) -> JsValue {
    texts.iter().map(|text| JsValue::from_str(text)).collect::<Array>().into()
}

/// A copy of `bytes` that owns its whole buffer, and that buffer, to hand to the worker (moved,
/// not copied again) while the caller keeps `bytes`.
fn handed_over(bytes: &Uint8Array) -> (JsValue, JsValue) {
    let copy = Uint8Array::new(bytes);
    let buffer = copy.buffer().into();
    (copy.into(), buffer)
}

fn bytes_of(reply: &JsValue) -> Result<Uint8Array, String> {
    field(reply, "bytes").dyn_into::<Uint8Array>().map_err(|_| BROKEN.to_owned())
}
