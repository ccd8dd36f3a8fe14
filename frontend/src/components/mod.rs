//! Small widgets shared by the pages.

pub mod known_issue;

use leptos::prelude::*;

/// The message for a field, placed under it and tied to it by `id` (use `{field}-error` as
/// the input's `aria-describedby`).
#[component]
pub fn FieldError(#[prop(into)] id: String, #[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    view! {
        {move || message.get().map(|text| view! { <p class="field-error" id=id.clone() role="alert">{text}</p> })}
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
