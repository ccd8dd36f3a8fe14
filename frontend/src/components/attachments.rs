//! Files on requests, replies and notes: the picker (drop files on it, paste a screenshot into
//! the form, or choose them), each upload with its progress and a plain refusal when it fails,
//! and the list of a message's files (images shown in place, everything downloadable by name).
//!
//! Uploads go to the server's file door (`POST /files`, same origin, the session's cookie) as
//! soon as they are chosen, through `XMLHttpRequest`, whose upload reports progress (a fetch
//! does not); what the request or message sends is the ids of the finished uploads. While the
//! composer's Encrypt is on, a file is encrypted in this tab first (`crate::crypto`, in the
//! worker, so the page stays responsive) and uploaded as `encrypted.gpg` (its own name may say
//! too much), a binary OpenPGP message GnuPG reads; whoever has a key unlocked in the tab opens
//! it in place (`SealedFile`).

use leptos::prelude::*;
use steward_domain::files::{size_words, too_big};
use steward_proto::v1 as pb;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use crate::components::sealed::SealedFile;
use crate::crypto;
use crate::state::user::UploadLimit;

/// Where one chosen file stands.
#[derive(Clone, Debug, PartialEq)]
pub enum State {
    /// Being encrypted in this tab before it is sent.
    Encrypting,
    /// Sent so far (0 to 1).
    Sending(f64),
    /// Stored: its id, to attach.
    Stored(i64),
    /// Refused or broken, in words for the person.
    Failed(String),
}

/// One chosen file.
#[derive(Clone, Debug, PartialEq)]
pub struct Chosen {
    pub key: u32,
    pub name: String,
    pub bytes: f64,
    pub state: RwSignal<State>,
}

/// The files chosen for one request or message.
#[derive(Clone, Copy)]
pub struct Picked {
    pub files: RwSignal<Vec<Chosen>>,
    next: StoredValue<u32>,
    /// The armored public keys to encrypt files to before they are sent; empty: sent as they are.
    pub seal_to: RwSignal<Vec<String>>,
}

impl Default for Picked {
    fn default() -> Self {
        Picked { files: RwSignal::new(Vec::new()), next: StoredValue::new(0), seal_to: RwSignal::new(Vec::new()) }
    }
}

impl Picked {
    /// The ids of the stored uploads, to send with the request or message.
    pub fn ids(&self) -> Vec<i64> {
        self.files.with_untracked(|files| {
            files
                .iter()
                .filter_map(|f| match f.state.get_untracked() {
                    State::Stored(id) => Some(id),
                    _ => None,
                })
                .collect()
        })
    }

    /// Whether an upload is still on its way (sending waits for it), read once.
    pub fn sending_now(&self) -> bool {
        self.files.with_untracked(|files| {
            files.iter().any(|f| matches!(f.state.get_untracked(), State::Sending(_) | State::Encrypting))
        })
    }

    /// Forgets every file (after the message was sent).
    pub fn clear(&self) {
        self.files.set(Vec::new());
    }

    /// Starts uploading `file`, unless it is bigger than the server takes.
    pub fn add(&self, file: web_sys::File) {
        let key = self.next.get_value();
        self.next.set_value(key + 1);
        let limit = use_context::<UploadLimit>().map_or(0, |limit| limit.0.get_untracked());
        let too_big = (limit > 0).then(|| too_big(file.size() as u64, limit)).flatten();
        let keys = self.seal_to.get_untracked();
        let start = if keys.is_empty() { State::Sending(0.0) } else { State::Encrypting };
        let state = RwSignal::new(too_big.clone().map_or(start, State::Failed));
        let name = if keys.is_empty() { file.name() } else { format!("{}.gpg", file.name()) };
        self.files.update(|files| files.push(Chosen { key, name, bytes: file.size(), state }));
        if too_big.is_some() {
            return;
        }
        if keys.is_empty() {
            upload(&file, &file.name(), None, state);
        } else {
            leptos::task::spawn_local(async move {
                match encrypted(&file, &keys).await {
                    Ok(sealed) => {
                        state.try_set(State::Sending(0.0));
                        // Its name may say too much: the server gets a neutral one.
                        upload(&sealed, "encrypted.gpg", Some("application/pgp-encrypted"), state);
                    }
                    Err(message) => {
                        state.try_set(State::Failed(message));
                    }
                }
            });
        }
    }

    fn add_list(&self, list: Option<web_sys::FileList>) {
        let Some(list) = list else { return };
        for index in 0..list.length() {
            if let Some(file) = list.get(index) {
                self.add(file);
            }
        }
    }
}

/// What the server said when it refused, or words for what went wrong.
fn refusal(xhr: &web_sys::XmlHttpRequest) -> String {
    let status = xhr.status().unwrap_or(0);
    let said = xhr
        .response_text()
        .ok()
        .flatten()
        .and_then(|text| js_sys::JSON::parse(&text).ok())
        .and_then(|json| js_sys::Reflect::get(&json, &"message".into()).ok())
        .and_then(|message| message.as_string());
    match (status, said) {
        (_, Some(said)) => said,
        (0, None) => "The upload did not reach Steward; check the connection and choose the file again.".to_owned(),
        (status, None) => format!("Steward refused the file ({status}); choose it again."),
    }
}

/// `file` encrypted to `keys` in the worker: a binary OpenPGP message.
async fn encrypted(file: &web_sys::File, keys: &[String]) -> Result<web_sys::Blob, String> {
    let unreadable = || "The file could not be read from this device.".to_owned();
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await.map_err(|_| unreadable())?;
    let sealed = crypto::seal_bytes(keys, js_sys::Uint8Array::new(&buffer)).await?;
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/pgp-encrypted");
    let parts = js_sys::Array::of1(&sealed);
    web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(|_| unreadable())
}

/// Sends `file` to the file door as `name` (of `kind`, or the file's own type; `Some` marks it
/// encrypted), reporting into `state`.
fn upload(file: &web_sys::Blob, name: &str, sealed_kind: Option<&str>, state: RwSignal<State>) {
    let Ok(xhr) = web_sys::XmlHttpRequest::new() else {
        state.set(State::Failed("This browser cannot upload files.".to_owned()));
        return;
    };
    if xhr.open("POST", "/files").is_err() {
        state.set(State::Failed("This browser cannot upload files.".to_owned()));
        return;
    }
    let name = String::from(js_sys::encode_uri_component(name));
    let kind = match sealed_kind {
        Some(kind) => kind.to_owned(),
        None if file.type_().is_empty() => "application/octet-stream".to_owned(),
        None => file.type_(),
    };
    let _ = xhr.set_request_header("X-File-Name", &name);
    let _ = xhr.set_request_header("Content-Type", &kind);
    if sealed_kind.is_some() {
        let _ = xhr.set_request_header("X-Encrypted", "1");
    }
    if let Ok(progress_target) = xhr.upload() {
        let on_progress = Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |event: web_sys::ProgressEvent| {
            if event.length_computable() && event.total() > 0.0 {
                state.try_set(State::Sending(event.loaded() / event.total()));
            }
        });
        progress_target.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        on_progress.forget();
    }
    let finished = xhr.clone();
    let on_done = Closure::once_into_js(move || {
        let status = finished.status().unwrap_or(0);
        let stored = (status == 201)
            .then(|| finished.response_text().ok().flatten())
            .flatten()
            .and_then(|text| js_sys::JSON::parse(&text).ok())
            .and_then(|json| js_sys::Reflect::get(&json, &"id".into()).ok())
            .and_then(|id| id.as_f64());
        state.try_set(match stored {
            Some(id) => State::Stored(id as i64),
            None => State::Failed(refusal(&finished)),
        });
    });
    xhr.set_onloadend(Some(on_done.unchecked_ref()));
    if xhr.send_with_opt_blob(Some(file)).is_err() {
        state.set(State::Failed("The file could not be read from this device.".to_owned()));
    }
}

/// The picker: a drop zone with a button to choose files, and the chosen files below.
#[component]
pub fn FilePicker(picked: Picked, #[prop(into)] id: String) -> impl IntoView {
    let over = RwSignal::new(false);
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        over.set(false);
        picked.add_list(ev.data_transfer().and_then(|d| d.files()));
    };
    let on_choose = move |ev: leptos::ev::Event| {
        let input = event_target::<web_sys::HtmlInputElement>(&ev);
        picked.add_list(input.files());
        input.set_value("");
    };
    view! {
        <div class="file-picker" class:over=move || over.get()
            on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); over.set(true); }
            on:dragleave=move |_| over.set(false)
            on:drop=on_drop>
            <label for=id.clone() class="choose-files">"Attach files"</label>
            <input id=id type="file" multiple class="visually-hidden" on:change=on_choose/>
            <span class="hint">" or drop them here, or paste a screenshot"</span>
            <ul class="chosen-files">
                {move || picked.files.get().into_iter().map(|file| {
                    let key = file.key;
                    let remove = move |_| picked.files.update(|files| files.retain(|f| f.key != key));
                    let uploading = format!("Uploading {}", file.name);
                    let state = file.state;
                    view! {
                        <li>
                            <span class="file-name">{file.name.clone()}</span>
                            " " <span class="hint">{size_words(file.bytes as u64)}</span> " "
                            {move || match state.get() {
                                State::Sending(done) => view! {
                                    <progress max="1" value=done.to_string() aria-label=uploading.clone()></progress>
                                }.into_any(),
                                State::Encrypting => view! { <span class="hint">"encrypting…"</span> }.into_any(),
                                State::Stored(_) => view! { <span class="hint">"ready"</span> }.into_any(),
                                State::Failed(why) => view! { <span role="alert" class="error">{why}</span> }.into_any(),
                            }}
                            " " <button type="button" class="link-button" on:click=remove>{format!("Remove {}", file.name)}</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </div>
    }
}

/// Takes the files a paste carries (a screenshot) into `picked`; whether there were any.
pub fn take_pasted(picked: Picked, ev: &leptos::ev::Event) -> bool {
    let Some(clipboard) = ev.dyn_ref::<web_sys::ClipboardEvent>().and_then(|c| c.clipboard_data()) else {
        return false;
    };
    let Some(files) = clipboard.files().filter(|f| f.length() > 0) else { return false };
    picked.add_list(Some(files));
    true
}

/// A message's or a request's files: images in place, every file downloadable by its name.
#[component]
pub fn FileList(files: Vec<pb::AttachedFile>) -> impl IntoView {
    (!files.is_empty()).then(|| {
        view! {
            <ul class="files">
                {files.into_iter().map(|file| {
                    let size = size_words(u64::try_from(file.bytes).unwrap_or(0));
                    if file.encrypted {
                        return view! { <li><SealedFile url=file.url size/></li> }.into_any();
                    }
                    view! {
                        <li>
                            {file.inline.then(|| view! {
                                <a href=file.url.clone() target="_blank" rel="noopener">
                                    <img class="file-preview" src=file.url.clone() alt=file.name.clone() loading="lazy"/>
                                </a>
                            })}
                            <a href=file.url.clone() download=file.name.clone()>{file.name.clone()}</a>
                            " " <span class="hint">{size}</span>
                        </li>
                    }.into_any()
                }).collect_view()}
            </ul>
        }
    })
}
