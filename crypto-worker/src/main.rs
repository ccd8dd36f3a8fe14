//! The browser's crypto worker: OpenPGP sealing and opening (`steward-openpgp`, through rpgp) in
//! a Web Worker, so the cryptography is not in the page's own bundle and is loaded only when a
//! page needs it (`frontend/src/crypto.rs` starts it).
//!
//! The rule: plaintext, the private key and its passphrase stay in this worker of this tab.
//! Nothing is stored: not in storage, not in a cookie, not sent anywhere. The one unlocked key
//! lives in memory until the page says `forget` or the tab goes away.
//!
//! The protocol: the page posts `{id, op, ...}` and the worker answers `{id, ok: true, ...}` or
//! `{id, ok: false, error}` (a sentence for the person at the page). On start it posts
//! `{ready: true}`. The ops:
//!
//! | op | asks | answers |
//! |---|---|---|
//! | `seal_text` | `keys` (armored public keys), `text` | `text`: an armored message |
//! | `seal_bytes` | `keys`, `bytes` (`Uint8Array`) | `bytes`: a binary message (its buffer transferred) |
//! | `unlock` | `key` (a private key block), `passphrase` | `fingerprint`, `user_id` |
//! | `open_text` | `text` | `text` (UTF-8, lossy) |
//! | `open_bytes` | `bytes` | `bytes` (its buffer transferred), `name`: the name it carries, or one for what it is (`opened-file.png`); `kind`: its media type as its bytes say (`image/png`), or "" |
//! | `forget` | | nothing: the unlocked key is dropped |
//! | `unlocked` | | `fingerprint`, `user_id`, or nothing when no key is unlocked |

use std::cell::RefCell;

use chrono::{DateTime, Utc};
use js_sys::{Array, Object, Reflect, Uint8Array};
use steward_openpgp::{CryptoError, Form, Opened, PrivateKey};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

thread_local! {
    /// The one private key unlocked in this worker, if any.
    static UNLOCKED: RefCell<Option<PrivateKey>> = const { RefCell::new(None) };
}

const NOT_UNLOCKED: &str = "Unlock your private key first.";
const UNSENT: &str = "The encryption worker could not send its answer: reload the page and try again.";
const MALFORMED: &str = "The page asked the encryption worker something it does not understand: reload the page.";

fn main() {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(|event: MessageEvent| answer(&event.data()));
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let ready = Object::new();
    set(&ready, "ready", &JsValue::TRUE);
    // If even this cannot be posted, the page's wait for it ends with the worker's error.
    let _ = post(&ready, None);
}

/// An answer's fields, and the buffer it hands over (not copied) with them.
struct Reply {
    fields: Object,
    transfer: Option<JsValue>,
}

impl Reply {
    fn empty() -> Self {
        Self { fields: Object::new(), transfer: None }
    }

    fn with(self, key: &str, value: &JsValue) -> Self {
        set(&self.fields, key, value);
        self
    }

    fn text(text: &str) -> Self {
        Self::empty().with("text", &JsValue::from_str(text))
    }

    /// `bytes` in a fresh `Uint8Array` whose whole buffer is handed to the page.
    fn bytes(bytes: &[u8]) -> Self {
        let array = Uint8Array::from(bytes);
        let transfer = Some(array.buffer().into());
        Self { transfer, ..Self::empty().with("bytes", &array) }
    }

    fn key(key: &PrivateKey) -> Self {
        Self::empty()
            .with("fingerprint", &JsValue::from_str(key.fingerprint()))
            .with("user_id", &JsValue::from_str(key.user_id()))
    }
}

/// Answers one request from the page.
fn answer(request: &JsValue) {
    let id = Reflect::get(request, &JsValue::from_str("id")).unwrap_or(JsValue::UNDEFINED);
    let (message, transfer) = match run(request) {
        Ok(Reply { fields, transfer }) => {
            set(&fields, "ok", &JsValue::TRUE);
            (fields, transfer)
        }
        Err(error) => {
            let fields = Object::new();
            set(&fields, "ok", &JsValue::FALSE);
            set(&fields, "error", &JsValue::from_str(&error));
            (fields, None)
        }
    };
    set(&message, "id", &id);
    if post(&message, transfer).is_err() {
        // The answer could not be sent (it could not be cloned); say so rather than leave the
        // page waiting.
        let failed = Object::new();
        set(&failed, "id", &id);
        set(&failed, "ok", &JsValue::FALSE);
        set(&failed, "error", &JsValue::from_str(UNSENT));
        let _ = post(&failed, None);
    }
}

fn run(request: &JsValue) -> Result<Reply, String> {
    let op = string(request, "op")?;
    let crypto = |error: CryptoError| error.to_string();
    match op.as_str() {
        "seal_text" => {
            let sealed = seal(request, string(request, "text")?.as_bytes(), Form::Armored)?;
            Ok(Reply::text(&String::from_utf8_lossy(&sealed)))
        }
        "seal_bytes" => Ok(Reply::bytes(&seal(request, &bytes(request)?, Form::Binary)?)),
        "unlock" => {
            let key = PrivateKey::unlock(string(request, "key")?.as_bytes(), &string(request, "passphrase")?)
                .map_err(crypto)?;
            let reply = Reply::key(&key);
            UNLOCKED.with_borrow_mut(|unlocked| *unlocked = Some(key));
            Ok(reply)
        }
        "open_text" => {
            let opened = open(string(request, "text")?.as_bytes())?;
            Ok(Reply::text(&String::from_utf8_lossy(&opened.bytes)))
        }
        "open_bytes" => {
            let Opened { name, bytes: opened } = open(&bytes(request)?)?;
            let kind = infer::get(&opened);
            Ok(Reply::bytes(&opened)
                .with("name", &JsValue::from_str(&file_name(name, kind)))
                .with("kind", &JsValue::from_str(kind.map_or("", |kind| kind.mime_type()))))
        }
        "forget" => {
            UNLOCKED.with_borrow_mut(|unlocked| *unlocked = None);
            Ok(Reply::empty())
        }
        "unlocked" => Ok(UNLOCKED.with_borrow(|unlocked| unlocked.as_ref().map_or_else(Reply::empty, Reply::key))),
        _ => Err(MALFORMED.to_owned()),
    }
}

/// `plaintext` sealed to the request's `keys`, now (by the page's clock).
fn seal(request: &JsValue, plaintext: &[u8], form: Form) -> Result<Vec<u8>, String> {
    let keys = Reflect::get(request, &JsValue::from_str("keys")).map_err(|_| MALFORMED)?;
    let keys: Vec<String> =
        keys.dyn_into::<Array>().map_err(|_| MALFORMED)?.iter().filter_map(|k| k.as_string()).collect();
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    // The page's clock, in whole milliseconds (f64 to i64 saturates; the date is always in range).
    let now = DateTime::<Utc>::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default();
    steward_openpgp::seal(&keys, now, plaintext, form).map_err(|error| error.to_string())
}

/// `message` opened with the unlocked key.
fn open(message: &[u8]) -> Result<Opened, String> {
    UNLOCKED.with_borrow(|unlocked| match unlocked {
        Some(key) => key.open_file(message).map_err(|error| error.to_string()),
        None => Err(NOT_UNLOCKED.to_owned()),
    })
}

/// What to call an opened file: the name it carries (only its last part), or one for the `kind`
/// of file its bytes say it is.
fn file_name(carried: String, kind: Option<infer::Type>) -> String {
    let carried = carried.rsplit(['/', '\\']).next().unwrap_or_default().trim().to_owned();
    if !carried.is_empty() {
        return carried;
    }
    match kind {
        Some(kind) => format!("opened-file.{}", kind.extension()),
        None => "opened-file".to_owned(),
    }
}

fn string(request: &JsValue, key: &str) -> Result<String, String> {
    Reflect::get(request, &JsValue::from_str(key))
        .ok()
        .and_then(|value| value.as_string())
        .ok_or_else(|| MALFORMED.to_owned())
}

fn bytes(request: &JsValue) -> Result<Vec<u8>, String> {
    let value = Reflect::get(request, &JsValue::from_str("bytes")).map_err(|_| MALFORMED)?;
    Ok(value.dyn_into::<Uint8Array>().map_err(|_| MALFORMED)?.to_vec())
}

fn set(object: &Object, key: &str, value: &JsValue) {
    // Setting a property of a plain object made here cannot fail.
    let _ = Reflect::set(object, &JsValue::from_str(key), value);
}

/// Posts `message` to the page, handing over `transfer` (an `ArrayBuffer`) rather than copying it.
fn post(message: &JsValue, transfer: Option<JsValue>) -> Result<(), JsValue> {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    match transfer {
        Some(buffer) => scope.post_message_with_transfer(message, &Array::of1(&buffer)),
        None => scope.post_message(message),
    }
}
