//! Any path the app does not know, and a page the signed-in person may not use: the two look the
//! same, so the address of a staff page tells a representative nothing.

use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    view! { <main id="main"><NothingHere/></main> }
}

/// What "Page not found" says, inside a page's `main`.
#[component]
pub fn NothingHere() -> impl IntoView {
    crate::components::title::page_title(|| "Page not found".to_owned());
    view! {
        <h1>"Page not found"</h1>
        <p>"There is nothing at this address. " <a href="/tickets">"Go to Tickets"</a></p>
    }
}

/// A support team page: to anyone else, the same as an address with nothing at it.
#[component]
pub fn StaffOnly(children: ChildrenFn) -> impl IntoView {
    let user = expect_context::<crate::state::user::CurrentUser>();
    let staff = move || user.0.with(|person| person.as_ref().is_some_and(crate::state::user::is_staff));
    view! {
        <Show when=staff fallback=|| view! { <NothingHere/> }>
            {children()}
        </Show>
    }
}
