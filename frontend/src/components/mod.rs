//! Small widgets shared by the pages.

pub mod attachments;
pub mod clocks;
pub mod known_issue;
pub mod markdown;
pub mod paging;
pub mod sealed;
pub mod shortcuts;
pub mod template_picker;
pub mod title;

use leptos::prelude::*;

/// The message for a field, placed under it and tied to it by `id` (use `{field}-error` as
/// the input's `aria-describedby`). While a message shows, the field is marked invalid; each
/// time the server's answer names fields, the first one's field takes the focus, so a keyboard
/// or screen-reader user starts where the first fix is needed. Every form gets this from here.
#[component]
pub fn FieldError(#[prop(into)] id: String, #[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    let watched = id.clone();
    // Runs on each new answer (the message signals are derived from the form's last error).
    Effect::new(move |was_shown: Option<bool>| {
        let shown = message.with(Option::is_some);
        if shown || was_shown.unwrap_or(false) {
            let id = watched.clone();
            // Once the message is drawn.
            leptos::task::spawn_local(async move {
                gloo_timers::future::TimeoutFuture::new(0).await;
                point_to_field(&id, shown);
            });
        }
        shown
    });
    view! {
        {move || message.get().map(|text| view! { <p class="field-error" id=id.clone() role="alert">{text}</p> })}
    }
}

/// Marks the field described by the message `error_id` invalid (or valid again), and focuses it
/// if its message is the first in the form.
fn point_to_field(error_id: &str, invalid: bool) {
    use wasm_bindgen::JsCast;
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let selector = format!("[aria-describedby~=\"{error_id}\"]");
    let Some(field) = document.query_selector(&selector).ok().flatten() else { return };
    let _ = field.set_attribute("aria-invalid", if invalid { "true" } else { "false" });
    if !invalid {
        return;
    }
    let Some(form) = field.closest("form").ok().flatten() else { return };
    let first_message = form.query_selector(".field-error").ok().flatten();
    if first_message.is_none_or(|first| first.id() != error_id) {
        return;
    }
    // A fieldset takes no focus: its first control does.
    let control = if field.matches("input, select, textarea").unwrap_or(false) {
        Some(field)
    } else {
        field.query_selector("input, select, textarea").ok().flatten()
    };
    if let Some(control) = control.and_then(|c| c.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = control.focus();
    }
}

/// The mark of a required field, for its label or legend: seen as "*", heard as "(required)".
#[component]
pub fn Required() -> impl IntoView {
    view! { <span class="required" aria-hidden="true">" *"</span><span class="visually-hidden">" (required)"</span> }
}

/// Beside what a page shows, when bringing it up to date failed: what is shown stays, this says
/// it may be behind and why, and the read is being tried again (`api::read_in_background`).
#[component]
pub fn StaleNote(problem: RwSignal<Option<String>>) -> impl IntoView {
    view! {
        {move || problem.get().map(|why| view! {
            <p class="stale" role="status">
                "This page may be out of date: " {why} " Trying again; what you typed is kept."
            </p>
        })}
    }
}

/// A failure shown where it happened.
#[component]
pub fn ErrorNote(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    view! {
        {move || message.get().map(|text| view! { <p class="error" role="alert">{text}</p> })}
    }
}

/// The header of the public pages (no sign-in needed).
#[component]
pub fn PublicHeader() -> impl IntoView {
    view! {
        <header class="app-header">
            <a class="brand" href="/known-issues">"Steward"</a>
            <nav aria-label="Main">
                <a href="/known-issues">"Known issues"</a>
                <a href="/support">"How to get support"</a>
                <a href="/status">"Status"</a>
                <a href="/tickets">"Sign in"</a>
            </nav>
        </header>
    }
}
