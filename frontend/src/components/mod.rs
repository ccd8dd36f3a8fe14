//! Small widgets shared by the pages.

pub mod known_issue;
pub mod markdown;

use leptos::prelude::*;

/// The message for a field, placed under it and tied to it by `id` (use `{field}-error` as
/// the input's `aria-describedby`).
#[component]
pub fn FieldError(#[prop(into)] id: String, #[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    view! {
        {move || message.get().map(|text| view! { <p class="field-error" id=id.clone() role="alert">{text}</p> })}
    }
}

/// The mark of a required field, for its label or legend: seen as "*", heard as "(required)".
#[component]
pub fn Required() -> impl IntoView {
    view! { <span class="required" aria-hidden="true">" *"</span><span class="visually-hidden">" (required)"</span> }
}

/// Moves focus to the first field marked invalid in the form with `form_id`, once the marks
/// are drawn, so a keyboard or screen-reader user starts where the first fix is needed.
pub fn focus_first_invalid(form_id: &'static str) {
    leptos::task::spawn_local(async move {
        gloo_timers::future::TimeoutFuture::new(0).await;
        let selector = format!("#{form_id} [aria-invalid=\"true\"]");
        let first =
            web_sys::window().and_then(|w| w.document()).and_then(|d| d.query_selector(&selector).ok().flatten());
        if let Some(element) = first {
            use wasm_bindgen::JsCast;
            if let Ok(element) = element.dyn_into::<web_sys::HtmlElement>() {
                let _ = element.focus();
            }
        }
    });
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
                <a href="/tickets">"Sign in"</a>
            </nav>
        </header>
    }
}
