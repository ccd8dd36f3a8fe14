//! Sign in with email and password; afterwards go where the person was headed.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use steward_proto::v1 as pb;

use crate::api::{self, ApiError};
use crate::components::FieldError;
use crate::state::user::CurrentUser;

#[component]
pub fn SignInPage() -> impl IntoView {
    crate::components::title::page_title(|| "Sign in".to_owned());
    let user = expect_context::<CurrentUser>();
    let query = use_query_map();
    let navigate = use_navigate();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let navigate = navigate.clone();
        let next = query
            .get_untracked()
            .get("next")
            .filter(|next| next.starts_with('/') && !next.starts_with("//"))
            .unwrap_or_else(|| "/tickets".to_owned());
        leptos::task::spawn_local(async move {
            let request = pb::SignInRequest { email: email.get_untracked(), password: password.get_untracked() };
            match api::auth().sign_in(request).await {
                Ok(response) => {
                    error.set(None);
                    user.0.set(response.into_inner().person);
                    navigate(&next, NavigateOptions { replace: true, ..Default::default() });
                }
                Err(status) => error.set(Some(ApiError::from(status))),
            }
            busy.set(false);
        });
    };
    let field = move |name: &'static str| Signal::derive(move || error.get().and_then(|e| e.field(name)));
    let general = move || error.get().filter(|e| e.fields.is_empty()).map(|e| e.message);

    view! {
        <main id="main" class="signin">
            <h1>"Sign in to Steward"</h1>
            <form on:submit=submit novalidate>
                <label for="email">"Email"</label>
                <input id="email" type="email" autocomplete="username" required
                    bind:value=email
                    aria-invalid=move || field("email").get().is_some().to_string()
                    aria-describedby="email-error"/>
                <FieldError id="email-error" message=field("email")/>
                <label for="password">"Password"</label>
                <input id="password" type="password" autocomplete="current-password" required
                    bind:value=password
                    aria-invalid=move || field("password").get().is_some().to_string()
                    aria-describedby="password-error"/>
                <FieldError id="password-error" message=field("password")/>
                {move || general().map(|message| view! { <p role="alert" class="error">{message}</p> })}
                <button type="submit" disabled=move || busy.get()>"Sign in"</button>
            </form>
        </main>
    }
}
