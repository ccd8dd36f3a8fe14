//! Any path the app does not know.

use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    crate::components::title::page_title(|| "Page not found".to_owned());
    view! {
        <main id="main">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address. " <a href="/tickets">"Go to Tickets"</a></p>
        </main>
    }
}
