//! Webhooks (admins): endpoints told of ticket and incident events, each delivery signed with
//! the endpoint's secret (shown once, when it is added), and the log of every answer.

use leptos::prelude::*;
use steward_proto::v1 as pb;

use crate::api::time::when_at;
use crate::api::{self, ApiError};
use crate::components::FieldError;
use crate::state::user::CurrentUser;

#[component]
pub fn Webhooks() -> impl IntoView {
    let user = expect_context::<CurrentUser>();
    let reload = RwSignal::new(0u32);
    let listed = LocalResource::new(move || {
        reload.track();
        async {
            api::webhooks()
                .list_webhooks(pb::ListWebhooksRequest {})
                .await
                .map(|r| r.into_inner())
                .map_err(ApiError::from)
        }
    });
    let url = RwSignal::new(String::new());
    let events = RwSignal::new(Vec::<String>::new());
    let pagerduty = RwSignal::new(false);
    let routing_key = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let secret = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        secret.set(None);
        let format = if pagerduty.get_untracked() { pb::WebhookFormat::Pagerduty } else { pb::WebhookFormat::Steward };
        let request = pb::CreateWebhookRequest {
            url: url.get_untracked(),
            events: events.get_untracked(),
            format: format.into(),
            routing_key: routing_key.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            match api::webhooks().create_webhook(request).await {
                Ok(response) => {
                    error.set(None);
                    let shown = response.into_inner().secret;
                    secret.set((!shown.is_empty()).then_some(shown));
                    url.set(String::new());
                    events.set(Vec::new());
                    routing_key.set(String::new());
                    reload.update(|n| *n += 1);
                }
                Err(status) => error.set(Some(ApiError::from(status))),
            }
        });
    };
    let act = move |id: i64, test: bool| {
        leptos::task::spawn_local(async move {
            let result = if test {
                api::webhooks()
                    .send_test_webhook(pb::SendTestWebhookRequest { id })
                    .await
                    .map(|_| "A test was queued; its answer shows below in a moment.")
            } else {
                api::webhooks().delete_webhook(pb::DeleteWebhookRequest { id }).await.map(|_| "Removed.")
            };
            match result {
                Ok(done) => notice.set(Some(done.to_owned())),
                Err(status) => notice.set(Some(ApiError::from(status).message)),
            }
            if test {
                gloo_timers::future::TimeoutFuture::new(1500).await;
            }
            reload.update(|n| *n += 1);
        });
    };
    let field = move |name: &'static str| Signal::derive(move || error.get().and_then(|e| e.field(name)));
    view! {
        <section aria-labelledby="webhooks-heading">
            <h2 id="webhooks-heading">"Webhooks"</h2>
            <p class="hint">"Steward posts JSON to each endpoint for the events it asked for, signed: the header X-Steward-Signature is \
                sha256= and the HMAC-SHA256 of the X-Steward-Timestamp, a dot and the body, with the endpoint's secret. \
                X-Steward-Delivery stays the same on every retry. A confidential ticket's title is never sent; internal notes never are."</p>
            {move || notice.get().map(|text| view! { <p role="status">{text}</p> })}
            {move || match listed.get() {
                None => view! { <p class="loading">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <p role="alert" class="error">{e.message}</p> }.into_any(),
                Some(Ok(listed)) => {
                    let zone = user.zone();
                    let kinds = listed.kinds.clone();
                    view! {
                        {if listed.webhooks.is_empty() { view! { <p>"No endpoint yet."</p> }.into_any() } else {
                            view! {
                                <ul class="webhooks">
                                    {listed.webhooks.into_iter().map(|hook| {
                                        let id = hook.id;
                                        view! {
                                            <li>
                                                <p>
                                                    {(hook.format == pb::WebhookFormat::Pagerduty as i32).then(|| view! { <span class="badge">"PagerDuty"</span> " " })}
                                                    <strong>{hook.url.clone()}</strong>" · "{hook.events.join(", ")}
                                                </p>
                                                <div class="actions">
                                                    <button type="button" on:click=move |_| act(id, true)>"Send a test"</button>
                                                    <button type="button" class="danger" on:click=move |_| act(id, false)>"Remove endpoint"</button>
                                                </div>
                                                {if hook.deliveries.is_empty() { view! { <p class="hint">"Nothing sent yet."</p> }.into_any() } else {
                                                    view! {
                                                        <table class="deliveries">
                                                            <caption>"Latest deliveries"</caption>
                                                            <thead><tr><th scope="col">"Queued"</th><th scope="col">"Event"</th><th scope="col">"Attempts"</th><th scope="col">"Answer"</th></tr></thead>
                                                            <tbody>
                                                                {hook.deliveries.into_iter().map(|d| {
                                                                    let answer = match (d.last_status, &d.last_error, &d.delivered_at) {
                                                                        (Some(status), _, Some(_)) => format!("{status}: delivered"),
                                                                        (_, Some(error), None) => format!("{error}; tried again later"),
                                                                        _ => "waiting".to_owned(),
                                                                    };
                                                                    view! {
                                                                        <tr class:failed=d.delivered_at.is_none() && d.last_error.is_some()>
                                                                            <td>{when_at(&d.created_at, zone.as_deref())}</td>
                                                                            <td>{d.event.clone()}</td>
                                                                            <td>{d.attempts}</td>
                                                                            <td>{answer}</td>
                                                                        </tr>
                                                                    }
                                                                }).collect_view()}
                                                            </tbody>
                                                        </table>
                                                    }.into_any()
                                                }}
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                        <form class="webhook-form" on:submit=add novalidate>
                            <fieldset>
                                <legend>"What it is sent"</legend>
                                <label>
                                    <input type="radio" name="webhook-format" prop:checked=move || !pagerduty.get()
                                        on:change=move |_| pagerduty.set(false)/>
                                    " Steward's signed JSON"
                                </label>
                                <label>
                                    <input type="radio" name="webhook-format" prop:checked=move || pagerduty.get()
                                        on:change=move |_| {
                                            pagerduty.set(true);
                                            events.update(|all| all.retain(|e| matches!(e.as_str(), "page.triggered" | "page.acknowledged" | "page.ended")));
                                            if url.get_untracked().trim().is_empty() {
                                                url.set("https://events.pagerduty.com/v2/enqueue".to_owned());
                                            }
                                        }/>
                                    " PagerDuty (Events API v2): pages become PagerDuty incidents"
                                </label>
                            </fieldset>
                            <Show when=move || pagerduty.get()>
                                <label for="webhook-routing-key">"PagerDuty integration's routing key"</label>
                                <input id="webhook-routing-key" bind:value=routing_key autocomplete="off" aria-describedby="webhook-routing-key-error"/>
                                <FieldError id="webhook-routing-key-error" message=field("routing_key")/>
                            </Show>
                            <label for="webhook-url">"Endpoint address"</label>
                            <input id="webhook-url" type="url" bind:value=url placeholder="https://hooks.example.org/steward" aria-describedby="webhook-url-error"/>
                            <FieldError id="webhook-url-error" message=field("url")/>
                            <fieldset aria-describedby="webhook-events-error">
                                <legend>"Events"</legend>
                                {kinds.into_iter().map(|kind| {
                                    let name = kind.name.clone();
                                    let checked = name.clone();
                                    let for_pagerduty = kind.pagerduty;
                                    view! {
                                        <label prop:hidden=move || pagerduty.get() && !for_pagerduty>
                                            <input type="checkbox" prop:checked=move || events.get().contains(&checked)
                                                on:change=move |ev| {
                                                    let on = event_target_checked(&ev);
                                                    let name = name.clone();
                                                    events.update(|all| { all.retain(|e| *e != name); if on { all.push(name); } });
                                                }/>
                                            " " {kind.label.clone()}
                                        </label>
                                    }
                                }).collect_view()}
                            </fieldset>
                            <FieldError id="webhook-events-error" message=field("events")/>
                            <button type="submit">"Add endpoint"</button>
                        </form>
                    }.into_any()
                }
            }}
            {move || secret.get().map(|secret| view! {
                <p class="notice" role="status">"Added. Its signing secret, shown this once: "<code>{secret}</code></p>
            })}
        </section>
    }
}
