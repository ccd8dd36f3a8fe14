//! The signed-in person's own settings: the time zone every time in Steward is shown in, and
//! how they hear each kind of news (in Steward, by email, both, or not at all), and their own
//! OpenPGP key, if they want what is encrypted on their requests encrypted to it too.

use leptos::prelude::*;
use steward_domain::openpgp::fingerprint_words;
use steward_proto::v1 as pb;

use crate::api::time::{browser_zone, zones};
use crate::api::{self, ApiError};
use crate::components::FieldError;
use crate::state::theme::{self, Theme};
use crate::state::user::CurrentUser;

#[component]
pub fn ProfilePage() -> impl IntoView {
    crate::components::title::page_title(|| "Your profile".to_owned());
    let user = expect_context::<CurrentUser>();
    let zone = RwSignal::new(user.zone().unwrap_or_default());
    let error = RwSignal::new(None::<ApiError>);
    let saved = RwSignal::new(false);
    let all = StoredValue::new(zones());
    let browser = browser_zone().unwrap_or_else(|| "unknown".to_owned());
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let time_zone = zone.get_untracked();
        leptos::task::spawn_local(async move {
            match api::directory().set_my_time_zone(pb::SetMyTimeZoneRequest { time_zone }).await {
                Ok(response) => {
                    error.set(None);
                    saved.set(true);
                    if let Some(person) = response.into_inner().person {
                        user.0.set(Some(person));
                    }
                }
                Err(status) => error.set(Some(ApiError::from(status))),
            }
        });
    };
    view! {
        <h1>"Your profile"</h1>
        <form class="profile-form" on:submit=save novalidate>
            <label for="time-zone">"Time zone"</label>
            <select id="time-zone" prop:value=move || zone.get() on:change=move |ev| zone.set(event_target_value(&ev))
                aria-describedby="time-zone-help time-zone-error">
                <option value="">{format!("This browser's ({browser})")}</option>
                {all.get_value().into_iter().map(|z| { let label = z.clone(); view! { <option value=z>{label}</option> } }).collect_view()}
            </select>
            <p class="hint" id="time-zone-help">"Every time in Steward (when a reply is due, when a ticket closes by itself) is shown in this zone."</p>
            <FieldError id="time-zone-error" message=Signal::derive(move || error.get().and_then(|e| e.field("time_zone")))/>
            {move || error.get().filter(|e| e.fields.is_empty()).map(|e| view! { <p role="alert" class="error">{e.message}</p> })}
            <button type="submit">"Save"</button>
            <Show when=move || saved.get()><span role="status">"Saved."</span></Show>
        </form>
        <Appearance/>
        <NotificationChoices/>
        <MyKey/>
    }
}

/// Light, dark, or as the system is set: for this browser, applied at once.
#[component]
fn Appearance() -> impl IntoView {
    let chosen = RwSignal::new(theme::chosen());
    view! {
        <fieldset class="appearance">
            <legend>"Appearance in this browser"</legend>
            {Theme::ALL.into_iter().map(|choice| {
                let id = format!("theme-{}", choice.name());
                view! {
                    <span class="choice">
                        <input type="radio" name="theme" id=id.clone() prop:checked=move || chosen.get() == choice
                            on:change=move |_| {
                                chosen.set(choice);
                                theme::choose(choice);
                            }/>
                        <label for=id>{choice.label()}</label>
                    </span>
                }
            }).collect_view()}
        </fieldset>
    }
}

/// The words for a delivery, in the order offered.
const DELIVERIES: [(&str, &str); 4] = [
    ("both", "In Steward and by email"),
    ("in_steward", "In Steward"),
    ("email", "By email"),
    ("neither", "Not at all"),
];

#[component]
fn NotificationChoices() -> impl IntoView {
    let choices = RwSignal::new(Vec::<pb::NotificationChoice>::new());
    let error = RwSignal::new(None::<ApiError>);
    let kept = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        match api::service_levels().get_notification_choices(pb::GetNotificationChoicesRequest {}).await {
            Ok(response) => choices.set(response.into_inner().choices),
            Err(status) => error.set(Some(ApiError::from(status))),
        }
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        kept.set(false);
        let request = pb::SetNotificationChoicesRequest { choices: choices.get_untracked() };
        leptos::task::spawn_local(async move {
            match api::service_levels().set_notification_choices(request).await {
                Ok(response) => {
                    choices.set(response.into_inner().choices);
                    error.set(None);
                    kept.set(true);
                }
                Err(status) => error.set(Some(ApiError::from(status))),
            }
        });
    };
    view! {
        <section aria-labelledby="choices-heading">
            <h2 id="choices-heading">"What Steward tells you"</h2>
            <p class="hint">"In Steward is your Notifications page; by email goes to your address. Replies on your own requests come \
                by email as the reply itself."</p>
            {move || choices.with(|all| all.iter().any(|c| c.kind == "incident_role")).then(|| view! {
                <p class="hint">"When production is down and you are on call, the page always reaches you in Steward and by email."</p>
            })}
            <form class="choices-form" on:submit=save novalidate>
                {move || choices.get().into_iter().map(|choice| {
                    let kind = choice.kind.clone();
                    let id = format!("choice-{kind}");
                    let error_id = format!("{id}-error");
                    let field = format!("choices.{kind}");
                    let current = choice.delivery.clone();
                    view! {
                        <label for=id.clone()>{choice.label.clone()}</label>
                        <select id=id aria-describedby=error_id.clone() on:change=move |ev| {
                            let delivery = event_target_value(&ev);
                            kept.set(false);
                            choices.update(|all| if let Some(c) = all.iter_mut().find(|c| c.kind == kind) { c.delivery = delivery; });
                        }>
                            {DELIVERIES.iter().map(|(value, words)| view! {
                                <option value=*value selected=current == *value>{*words}</option>
                            }).collect_view()}
                        </select>
                        <FieldError id=error_id message=Signal::derive(move || error.get().and_then(|e| e.field(&field)))/>
                    }
                }).collect_view()}
                {move || error.get().filter(|e| e.fields.is_empty()).map(|e| view! { <p role="alert" class="error">{e.message}</p> })}
                <button type="submit">"Keep these choices"</button>
                <Show when=move || kept.get()><span role="status">"Kept: Steward tells you as you chose."</span></Show>
            </form>
        </section>
    }
}

/// The person's own OpenPGP key (issue 14): texts sealed on their tickets are encrypted to it
/// too, so they can read them with GnuPG.
#[component]
fn MyKey() -> impl IntoView {
    // `None` until asked; then the key, if they added one.
    let current = RwSignal::new(None::<Option<pb::OpenPgpKey>>);
    let armored = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let notice = RwSignal::new(None::<&'static str>);
    let busy = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        match api::keys().get_my_key(pb::GetMyKeyRequest {}).await {
            Ok(response) => current.set(Some(response.into_inner().key)),
            Err(status) => error.set(Some(ApiError::from(status))),
        }
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        notice.set(None);
        let request = pb::SetMyKeyRequest { armored: armored.get_untracked() };
        leptos::task::spawn_local(async move {
            match api::keys().set_my_key(request).await {
                Ok(response) => {
                    error.set(None);
                    armored.set(String::new());
                    current.set(Some(response.into_inner().key));
                    notice.set(Some("Saved: what is encrypted on your requests from now on is encrypted to it too."));
                }
                // What was pasted stays, with the reason beside it.
                Err(status) => error.set(Some(ApiError::from(status))),
            }
            busy.set(false);
        });
    };
    let remove = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        notice.set(None);
        leptos::task::spawn_local(async move {
            match api::keys().remove_my_key(pb::RemoveMyKeyRequest {}).await {
                Ok(_) => {
                    error.set(None);
                    current.set(Some(None));
                    notice.set(Some(
                        "Removed: new texts are no longer encrypted to it; what was encrypted to it stays readable with it.",
                    ));
                }
                Err(status) => error.set(Some(ApiError::from(status))),
            }
            busy.set(false);
        });
    };
    let armored_error = Signal::derive(move || error.get().and_then(|e| e.field("armored")));
    view! {
        <section aria-labelledby="my-key-heading">
            <h2 id="my-key-heading">"Your encryption key (optional)"</h2>
            <p class="hint">"Add your own OpenPGP public key and what is encrypted on your requests is encrypted to it too, \
                so you can read it with GnuPG."</p>
            {move || notice.get().map(|text| view! { <p role="status">{text}</p> })}
            {move || match current.get() {
                None => ().into_any(),
                Some(Some(key)) => view! {
                    <div class="my-key">
                        <p><strong>{if key.user_id.is_empty() { "(no user id)".to_owned() } else { key.user_id.clone() }}</strong></p>
                        <p>"Fingerprint: " <code class="fingerprint">{fingerprint_words(&key.fingerprint)}</code></p>
                        <button type="button" class="secondary" disabled=move || busy.get() on:click=remove>"Remove"</button>
                    </div>
                }.into_any(),
                Some(None) => view! {
                    <form class="my-key-form" on:submit=save novalidate>
                        <label for="my-key">"Your public key"</label>
                        <textarea id="my-key" rows="8" bind:value=armored spellcheck="false"
                            placeholder="-----BEGIN PGP PUBLIC KEY BLOCK-----"
                            aria-describedby="my-key-help my-key-error"
                            aria-invalid=move || armored_error.get().is_some().to_string()></textarea>
                        <p class="hint" id="my-key-help">"Paste what " <code>"gpg --armor --export <fingerprint>"</code> " prints."</p>
                        <FieldError id="my-key-error" message=armored_error/>
                        <button type="submit" disabled=move || busy.get()>"Save key"</button>
                    </form>
                }.into_any(),
            }}
            {move || error.get().filter(|e| e.fields.is_empty()).map(|e| view! { <p role="alert" class="error">{e.message}</p> })}
        </section>
    }
}
