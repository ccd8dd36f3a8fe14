//! The support team's OpenPGP keys (admins, issue 14): texts marked secret or encrypted are
//! encrypted in the browser to every active key. Several may be active during a key change;
//! a retired key gets no new texts, and what was encrypted to it stays readable with it.

use leptos::prelude::*;
use steward_domain::openpgp::fingerprint_words;
use steward_proto::v1 as pb;

use crate::api::time::day;
use crate::api::{self, ApiError};
use crate::components::FieldError;
use crate::state::user::CurrentUser;

#[component]
pub fn TeamKeys() -> impl IntoView {
    let user = expect_context::<CurrentUser>();
    let reload = RwSignal::new(0u32);
    let listed = LocalResource::new(move || {
        reload.track();
        async {
            api::keys()
                .list_team_keys(pb::ListTeamKeysRequest {})
                .await
                .map(|r| r.into_inner().keys)
                .map_err(ApiError::from)
        }
    });
    let armored = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let notice = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        notice.set(None);
        let request = pb::AddTeamKeyRequest { armored: armored.get_untracked() };
        leptos::task::spawn_local(async move {
            match api::keys().add_team_key(request).await {
                Ok(response) => {
                    error.set(None);
                    armored.set(String::new());
                    let key = response.into_inner().key.unwrap_or_default();
                    notice.set(Some(format!(
                        "Added {}: new texts are encrypted to it.",
                        fingerprint_words(&key.fingerprint)
                    )));
                    reload.update(|n| *n += 1);
                }
                // What was typed stays, with the reason beside it.
                Err(status) => error.set(Some(ApiError::from(status))),
            }
            busy.set(false);
        });
    };
    let retire = move |fingerprint: String| {
        notice.set(None);
        leptos::task::spawn_local(async move {
            let request = pb::RetireTeamKeyRequest { fingerprint: fingerprint.clone() };
            match api::keys().retire_team_key(request).await {
                Ok(_) => notice.set(Some(format!(
                    "Retired {}: new texts are no longer encrypted to it.",
                    fingerprint_words(&fingerprint)
                ))),
                Err(status) => notice.set(Some(ApiError::from(status).message)),
            }
            reload.update(|n| *n += 1);
        });
    };
    let armored_error = Signal::derive(move || error.get().and_then(|e| e.field("armored")));
    view! {
        <section aria-labelledby="team-keys-heading">
            <h2 id="team-keys-heading">"Encryption keys"</h2>
            <p class="hint">"The support team's OpenPGP public keys. Secret answers and replies marked Encrypted are encrypted in \
                the browser to every active key (and to the requester's and the writer's own keys, if they added one), so only the \
                holders of those private keys can read them. The keys are shown on \
                the public " <a href="/support">"How to get support"</a> " page."</p>
            {move || notice.get().map(|text| view! { <p role="status">{text}</p> })}
            {move || match listed.get() {
                None => view! { <p class="loading">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <p role="alert" class="error">{e.message}</p> }.into_any(),
                Some(Ok(keys)) if keys.is_empty() => view! {
                    <p class="note">"No key yet: nothing can be encrypted until one is added."</p>
                }.into_any(),
                Some(Ok(keys)) => {
                    let zone = user.zone();
                    view! {
                        <ul class="team-keys">
                            {keys.into_iter().map(|key| view! { <TeamKeyRow key zone=zone.clone() retire=Callback::new(retire)/> }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
            <form class="team-key-form" on:submit=add novalidate>
                <label for="team-key">"Public key"</label>
                <textarea id="team-key" rows="8" bind:value=armored spellcheck="false"
                    placeholder="-----BEGIN PGP PUBLIC KEY BLOCK-----"
                    aria-describedby="team-key-help team-key-error"
                    aria-invalid=move || armored_error.get().is_some().to_string()></textarea>
                <p class="hint" id="team-key-help">"Paste what " <code>"gpg --armor --export <fingerprint>"</code>
                    " prints. Several keys may be active during a key change."</p>
                <FieldError id="team-key-error" message=armored_error/>
                {move || error.get().filter(|e| e.fields.is_empty()).map(|e| view! { <p role="alert" class="error">{e.message}</p> })}
                <button type="submit" disabled=move || busy.get()>"Add key"</button>
            </form>
        </section>
    }
}

/// One active key, with "Retire" and the question it asks first.
#[component]
fn TeamKeyRow(key: pb::OpenPgpKey, zone: Option<String>, retire: Callback<String>) -> impl IntoView {
    let confirming = RwSignal::new(false);
    let fingerprint = key.fingerprint.clone();
    let words = fingerprint_words(&key.fingerprint);
    let user_id = if key.user_id.is_empty() { "(no user id)".to_owned() } else { key.user_id.clone() };
    let expires = key.expires_at.as_ref().map(|at| format!("Expires {}", day(at, zone.as_deref())));
    let added = key.added_at.as_ref().map(|at| format!("Added {}", day(at, zone.as_deref())));
    view! {
        <li>
            <p><strong>{user_id}</strong></p>
            <p>"Fingerprint: " <code class="fingerprint">{words.clone()}</code></p>
            <p class="meta">{expires.map(|e| format!("{e} · "))}{added}</p>
            <Show when=move || confirming.get() fallback=move || view! {
                <button type="button" class="secondary" on:click=move |_| confirming.set(true)>"Retire"</button>
            }>
                <div class="confirm-retire" role="group" aria-label="Confirm retiring">
                    <p>{format!("Retire {words}? New texts will no longer be encrypted to it; what was encrypted to it stays readable with it.")}</p>
                    <button type="button" class="danger" on:click={
                        let fingerprint = fingerprint.clone();
                        move |_| {
                            confirming.set(false);
                            retire.run(fingerprint.clone());
                        }
                    }>"Yes, retire it"</button>
                    <button type="button" class="secondary" on:click=move |_| confirming.set(false)>"Cancel"</button>
                </div>
            </Show>
        </li>
    }
}
