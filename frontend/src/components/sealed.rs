//! An encrypted text (a secret answer, an encrypted reply) as it is shown: who can read it (the
//! fingerprints of the keys it is encrypted to, with the team's names), the armored block to
//! copy into `gpg --decrypt`, and "Read here": the person unlocks their own private key in this
//! tab (`crate::crypto`, a worker) and reads the text in place. The key, its passphrase and
//! the opened text stay in this tab; nothing is sent or stored, and nothing shows how long the
//! text is beyond the block itself.

use leptos::prelude::*;
use steward_domain::openpgp::fingerprint_words;
use steward_proto::v1 as pb;

use crate::api;
use crate::crypto::{self, Unlocked};

thread_local! {
    /// The key unlocked in this tab's worker, shared by every encrypted text on the page.
    static UNLOCKED: ArcRwSignal<Option<Unlocked>> = ArcRwSignal::new(None);
    /// The support team's keys (fingerprint, user id), fetched once per tab.
    static TEAM: ArcRwSignal<Option<Vec<(String, String)>>> = ArcRwSignal::new(None);
}

fn unlocked() -> ArcRwSignal<Option<Unlocked>> {
    UNLOCKED.with(Clone::clone)
}

/// Forgets the key unlocked in this tab (on sign-out: the next person must not read with it).
pub async fn forget_unlocked() {
    crypto::forget().await;
    unlocked().set(None);
}

/// The team's keys, fetched the first time a page shows an encrypted text.
fn team_keys() -> ArcRwSignal<Option<Vec<(String, String)>>> {
    let team = TEAM.with(Clone::clone);
    if team.with_untracked(Option::is_none) {
        team.set(Some(Vec::new()));
        let filled = team.clone();
        leptos::task::spawn_local(async move {
            if let Ok(response) = api::keys().list_team_keys(pb::ListTeamKeysRequest {}).await {
                let keys = response.into_inner().keys.into_iter().map(|k| (k.fingerprint, k.user_id)).collect();
                filled.set(Some(keys));
            }
        });
    }
    team
}

/// How a reader is named: the team key's user id, or "your unlocked key", with the fingerprint.
fn reader_words(fingerprint: &str, team: &[(String, String)], mine: Option<&Unlocked>) -> String {
    let words = fingerprint_words(fingerprint);
    let named = match team.iter().find(|(f, _)| f == fingerprint) {
        Some((_, user)) if !user.is_empty() => format!("{user} ({words})"),
        _ => words,
    };
    if mine.is_some_and(|key| key.fingerprint == fingerprint) {
        format!("{named}, unlocked in this tab")
    } else {
        named
    }
}

/// An armored OpenPGP message and the fingerprints of the keys that can read it.
#[component]
pub fn SealedText(block: String, sealed_for: Vec<String>) -> impl IntoView {
    let team = team_keys();
    let mine = unlocked();
    let opened = RwSignal::new(None::<String>);
    let reading = Reading::new();
    let block = StoredValue::new(block);
    let readers = {
        let (team, mine) = (team.clone(), mine.clone());
        move || {
            let team = team.get().unwrap_or_default();
            let mine = mine.get();
            sealed_for.iter().map(|f| reader_words(f, &team, mine.as_ref())).collect::<Vec<_>>().join(", ")
        }
    };
    let open = move || {
        reading.run(async move {
            opened.set(Some(crypto::open_text(&block.get_value()).await?));
            Ok(())
        })
    };
    let copy = move |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.navigator().clipboard().write_text(&block.get_value());
        }
    };
    let forget = {
        let mine = mine.clone();
        move |_| {
            let mine = mine.clone();
            opened.set(None);
            leptos::task::spawn_local(async move {
                crypto::forget().await;
                mine.set(None);
            });
        }
    };
    let has_key = {
        let mine = mine.clone();
        move || mine.with(Option::is_some)
    };
    view! {
        <div class="sealed">
            <p class="sealed-for"><span class="badge">"Encrypted"</span>" for " {readers}</p>
            {move || opened.get().map(|text| view! {
                <div class="opened" aria-live="polite"><p class="help">"Opened in this tab only:"</p><div class="opened-text">{text}</div></div>
            })}
            <div class="actions">
                {move || opened.get().is_none().then(|| view! {
                    <button type="button" class="secondary" on:click=move |_| reading.start(open) disabled=move || reading.busy.get()>"Read here"</button>
                })}
                {move || opened.get().is_some().then(|| view! {
                    <button type="button" class="secondary" on:click=move |_| opened.set(None)>"Hide"</button>
                })}
                <button type="button" class="secondary" on:click=copy>"Copy for GnuPG"</button>
                {move || has_key().then(|| view! { <button type="button" class="secondary" on:click=forget.clone()>"Forget my key"</button> })}
            </div>
            {reading.view(open)}
            <details>
                <summary>"The encrypted block"</summary>
                <pre class="sealed-block">{block.get_value()}</pre>
                <p class="help">"Copy it and run " <code>"gpg --decrypt"</code> " to read it with GnuPG."</p>
            </details>
        </div>
    }
}

/// An encrypted file: "Open here" fetches it, opens it with the key unlocked in this tab, and
/// offers the opened file to save (an image is also shown). The opened bytes
/// stay in this tab, behind an object URL that is revoked when the file leaves the page.
#[component]
pub fn SealedFile(url: String, size: String) -> impl IntoView {
    let opened = RwSignal::new(None::<Shown>);
    let reading = Reading::new();
    let url = StoredValue::new(url);
    let open = move || {
        reading.run(async move {
            let shown = opened_file(&url.get_value()).await?;
            if let Some(old) = opened.get_untracked() {
                let _ = web_sys::Url::revoke_object_url(&old.href);
            }
            opened.set(Some(shown));
            Ok(())
        })
    };
    on_cleanup(move || {
        if let Some(shown) = opened.get_untracked() {
            let _ = web_sys::Url::revoke_object_url(&shown.href);
        }
    });
    view! {
        <div class="sealed-file">
            <span class="badge">"Encrypted"</span> " "
            <a href=url.get_value() download="encrypted.gpg">"Encrypted file"</a> " " <span class="hint">{size}</span> " "
            {move || match opened.get() {
                Some(Shown { name, href, image }) => view! {
                    <a class="opened-file" href=href.clone() download=name.clone()>{format!("Save {name}")}</a>
                    {image.then(|| view! { <img class="file-preview" src=href alt=name.clone()/> })}
                }.into_any(),
                None => view! {
                    <button type="button" class="secondary" on:click=move |_| reading.start(open) disabled=move || reading.busy.get()>"Open here"</button>
                }.into_any(),
            }}
            {reading.view(open)}
        </div>
    }
}

/// An opened file as the page shows it: its name, an object URL of its bytes, and whether its
/// bytes say it is an image.
#[derive(Clone, Debug, PartialEq)]
struct Shown {
    name: String,
    href: String,
    image: bool,
}

/// The file at `url` opened in this tab.
async fn opened_file(url: &str) -> Result<Shown, String> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let failed = || "The encrypted file could not be fetched from Steward: reload the page and try again.".to_owned();
    let window = web_sys::window().ok_or_else(failed)?;
    let response: web_sys::Response =
        JsFuture::from(window.fetch_with_str(url)).await.map_err(|_| failed())?.dyn_into().map_err(|_| failed())?;
    if !response.ok() {
        return Err(format!(
            "Steward did not hand over the file ({}): reload the page and try again.",
            response.status()
        ));
    }
    let buffer = JsFuture::from(response.array_buffer().map_err(|_| failed())?).await.map_err(|_| failed())?;
    let opened = crypto::open_bytes(js_sys::Uint8Array::new(&buffer)).await?;
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(&opened.kind);
    let parts = js_sys::Array::of1(&opened.bytes);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(|_| failed())?;
    let href = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| failed())?;
    Ok(Shown { name: opened.name, href, image: opened.kind.starts_with("image/") })
}

/// Opening something encrypted: asking for the key first when none is unlocked in the tab,
/// busy while it works, and why it failed.
#[derive(Clone, Copy)]
struct Reading {
    asking: RwSignal<bool>,
    busy: RwSignal<bool>,
    problem: RwSignal<Option<String>>,
}

impl Reading {
    fn new() -> Self {
        Reading { asking: RwSignal::new(false), busy: RwSignal::new(false), problem: RwSignal::new(None) }
    }

    /// Opens with the unlocked key, or asks for the key first.
    fn start(self, open: impl Fn() + 'static) {
        if unlocked().with_untracked(Option::is_some) {
            open();
        } else {
            self.asking.set(true);
        }
    }

    /// Runs `opening`; when the worker no longer has the key (it started afresh, or the tab
    /// forgot it), asks for it again.
    fn run(self, opening: impl std::future::Future<Output = Result<(), String>> + 'static) {
        self.busy.set(true);
        leptos::task::spawn_local(async move {
            match opening.await {
                Ok(()) => self.problem.set(None),
                Err(message) if message.starts_with("Unlock your private key first") => {
                    unlocked().set(None);
                    self.asking.set(true);
                }
                Err(message) => self.problem.set(Some(message)),
            }
            self.busy.set(false);
        });
    }

    /// The unlock form while asking, then the problem, if any.
    fn view(self, open: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
        view! {
            {move || self.asking.get().then(|| view! {
                <UnlockForm unlocked=unlocked() done=Callback::new(move |()| { self.asking.set(false); open(); })/>
            })}
            {move || self.problem.get().map(|message| view! { <p role="alert" class="error">{message}</p> })}
        }
    }
}

/// Unlocks the person's private key in this tab.
#[component]
fn UnlockForm(unlocked: ArcRwSignal<Option<Unlocked>>, done: Callback<()>) -> impl IntoView {
    let key = RwSignal::new(String::new());
    let passphrase = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        let unlocked = unlocked.clone();
        leptos::task::spawn_local(async move {
            match crypto::unlock(&key.get_untracked(), &passphrase.get_untracked()).await {
                Ok(key_facts) => {
                    // Neither stays in the page once the worker has the key.
                    key.set(String::new());
                    passphrase.set(String::new());
                    problem.set(None);
                    unlocked.set(Some(key_facts));
                    done.run(());
                }
                Err(message) => problem.set(Some(message)),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="unlock" on:submit=submit>
            <p class="help">"Your private key and passphrase stay in this browser tab: they are never sent to Steward, and they are forgotten when the tab closes."</p>
            <label for="private-key">"Your private key"</label>
            <textarea id="private-key" rows="4" autocomplete="off" spellcheck="false" placeholder="-----BEGIN PGP PRIVATE KEY BLOCK-----"
                bind:value=key aria-describedby="private-key-help"></textarea>
            <p class="help" id="private-key-help">"What " <code>"gpg --armor --export-secret-keys <fingerprint>"</code> " prints."</p>
            <label for="passphrase">"Passphrase"</label>
            <input id="passphrase" type="password" autocomplete="off" bind:value=passphrase/>
            {move || problem.get().map(|message| view! { <p role="alert" class="error">{message}</p> })}
            <button type="submit" disabled=move || busy.get()>{move || if busy.get() { "Unlocking…" } else { "Unlock and read" }}</button>
        </form>
    }
}
