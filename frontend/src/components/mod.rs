//! Small widgets shared by the pages.

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
