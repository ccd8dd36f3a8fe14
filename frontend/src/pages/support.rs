//! "How to get support" and the security route (seed 000), public pages built from the live
//! configuration: the channels and security contact admins set, the request types and their
//! forms, the priority scale with its response times, and the support team's encryption keys.

use leptos::prelude::*;
use steward_domain::openpgp::fingerprint_words;
use steward_proto::v1 as pb;
use wasm_bindgen::{JsCast, JsValue};

use crate::api::time::day;
use crate::api::{self, ApiError};
use crate::components::PublicHeader;
use crate::state::user::CurrentUser;

fn policy_resource() -> LocalResource<Result<pb::SupportPolicy, ApiError>> {
    LocalResource::new(|| async {
        api::intake()
            .get_support_policy(pb::GetSupportPolicyRequest {})
            .await
            .map(|r| r.into_inner().policy.unwrap_or_default())
            .map_err(ApiError::from)
    })
}

/// Text with line breaks kept.
fn lines(text: &str) -> impl IntoView + use<> {
    text.lines().map(|line| view! { <p>{line.to_owned()}</p> }).collect_view()
}

#[component]
pub fn SupportPage() -> impl IntoView {
    crate::components::title::page_title(|| "How to get support".to_owned());
    let policy = policy_resource();
    let forms = LocalResource::new(api::intake_forms);
    view! {
        <PublicHeader/>
        <main id="main" class="support-page">
            <h1>"How to get support"</h1>
            <section aria-labelledby="channels-heading">
                <h2 id="channels-heading">"Where to ask"</h2>
                <p>"Community representatives file requests in Steward under " <a href="/new">"New request"</a>
                   ". A member's request waits until one of the community's representatives approves it."</p>
                {move || match policy.get() {
                    Some(Ok(p)) if !p.channels.is_empty() => lines(&p.channels).into_any(),
                    Some(Err(e)) => view! { <p role="alert" class="error">{e.message}</p> }.into_any(),
                    _ => ().into_any(),
                }}
            </section>
            {move || match forms.get() {
                None => view! { <p class="loading">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <p role="alert" class="error">{e.message}</p> }.into_any(),
                Some(Ok(response)) => view! {
                    <section aria-labelledby="priorities-heading">
                        <h2 id="priorities-heading">"Priorities and response times"</h2>
                        <table class="priorities">
                            <thead><tr><th scope="col">"Priority"</th><th scope="col">"When"</th><th scope="col">"What we promise"</th></tr></thead>
                            <tbody>{response.priorities.into_iter().map(|level| view! {
                                <tr><th scope="row">{level.name}</th><td>{level.scope}</td><td>{level.response_time}</td></tr>
                            }).collect_view()}</tbody>
                        </table>
                    </section>
                    <section aria-labelledby="types-heading">
                        <h2 id="types-heading">"Kinds of request"</h2>
                        <dl class="request-types">{response.forms.into_iter().map(|form| view! {
                            <dt>{form.name}</dt>
                            <dd>
                                {form.description}
                                {(!form.fields.is_empty()).then(|| format!(
                                    " The form asks: {}.",
                                    form.fields.iter().map(|f| f.label.clone()).collect::<Vec<_>>().join("; ")
                                ))}
                                {form.confidential_by_default.then_some(" Confidential unless you choose otherwise.")}
                            </dd>
                        }).collect_view()}</dl>
                    </section>
                }.into_any(),
            }}
            <section aria-labelledby="public-heading">
                <h2 id="public-heading">"Public or confidential"</h2>
                <p>"A public request and its public replies can be read by anyone, without signing in, on the "
                   <a href="/known-issues">"known issues"</a>
                   " pages, so others can see it is already reported and follow how it is going. Those pages name "
                   "the community and the support team, never the person who filed it or other people of the "
                   "community. Internal notes, form answers and e-mail addresses are never shown there."</p>
                <p>"A confidential request is seen only by the support team, the person who filed it and their "
                   "community's representatives. To send confidential information, tick Confidential on the request "
                   "(some kinds of request are confidential from the start) and put the information in it; never in a "
                   "public request."</p>
            </section>
            <TeamKeys/>
            <section aria-labelledby="security-heading">
                <h2 id="security-heading">"Security vulnerabilities"</h2>
                <p>"Do not report a vulnerability as a support request. Follow the "
                   <a href="/security">"security policy"</a> " instead."</p>
            </section>
        </main>
    }
}

/// Saves `text` as the file `name`, through a link to it made for the moment.
fn download(name: &str, text: &str) -> Option<()> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/plain");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let link =
        web_sys::window()?.document()?.create_element("a").ok()?.dyn_into::<web_sys::HtmlAnchorElement>().ok()?;
    link.set_href(&url);
    link.set_download(name);
    link.click();
    // Once the browser has started saving it.
    leptos::task::spawn_local(async move {
        gloo_timers::future::TimeoutFuture::new(1_000).await;
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    Some(())
}

/// The support team's active keys (issue 14), to verify and to encrypt to with `gpg` directly.
#[component]
fn TeamKeys() -> impl IntoView {
    let user = expect_context::<CurrentUser>();
    let keys = LocalResource::new(|| async {
        api::keys()
            .list_team_keys(pb::ListTeamKeysRequest {})
            .await
            .map(|r| r.into_inner().keys)
            .map_err(ApiError::from)
    });
    view! {
        <section aria-labelledby="keys-heading">
            <h2 id="keys-heading">"Sending confidential details"</h2>
            {move || match keys.get() {
                None => view! { <p class="loading">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <p role="alert" class="error">{e.message}</p> }.into_any(),
                Some(Ok(keys)) if keys.is_empty() => view! {
                    <p class="note">"The support team has not published an encryption key yet; send confidential details \
                        through a channel agreed with support."</p>
                }.into_any(),
                Some(Ok(keys)) => {
                    let zone = user.zone();
                    view! {
                        <p>"Secret answers and replies marked Encrypted are encrypted in your browser to these keys (and to your \
                            own key, if you added one in your profile) before they are sent. To encrypt something yourself, import the key ("
                            <code>"gpg --import <file>"</code> "), check the fingerprint matches, and paste what "
                            <code>"gpg --encrypt --armor -r <fingerprint>"</code> " prints."</p>
                        <ul class="team-keys">
                            {keys.into_iter().map(|key| {
                                let name = format!("{}.asc", key.fingerprint);
                                let armored = key.armored;
                                let expires = key.expires_at.as_ref().map(|at| format!(" · expires {}", day(at, zone.as_deref())));
                                view! {
                                    <li>
                                        <p><strong>{if key.user_id.is_empty() { "(no user id)".to_owned() } else { key.user_id }}</strong></p>
                                        <p>"Fingerprint: " <code class="fingerprint">{fingerprint_words(&key.fingerprint)}</code>{expires}</p>
                                        <p><a href="#" download=name.clone() on:click=move |ev| {
                                            ev.prevent_default();
                                            download(&name, &armored);
                                        }>"Download the public key"</a></p>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
        </section>
    }
}

#[component]
pub fn SecurityPage() -> impl IntoView {
    crate::components::title::page_title(|| "Report a security vulnerability".to_owned());
    let policy = policy_resource();
    view! {
        <PublicHeader/>
        <main id="main">
            <h1>"Report a security vulnerability"</h1>
            <p>"Security problems are not handled through support requests, which may be public. Report them here instead:"</p>
            {move || match policy.get() {
                None => view! { <p class="loading">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <p role="alert" class="error">{e.message}</p> }.into_any(),
                Some(Ok(p)) if p.security_contact.is_empty() => view! {
                    <p class="note">"The security contact has not been set up yet. Please ask the support team, "
                        "without any details of the problem, how to reach it."</p>
                }.into_any(),
                Some(Ok(p)) => {
                    let contact = p.security_contact.clone();
                    let href = if contact.contains('@') && !contact.contains("://") { format!("mailto:{contact}") } else { contact.clone() };
                    view! {
                        <p class="security-contact">"Contact: " <a href=href>{contact}</a></p>
                        {lines(&p.security_instructions)}
                    }.into_any()
                }
            }}
        </main>
    }
}
