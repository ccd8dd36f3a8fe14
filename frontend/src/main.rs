//! Steward's web app: Leptos, rendered in the browser, talking gRPC-web to the same origin.

mod api;
mod app;
mod components;
mod crypto;
mod live;
mod pages;
mod state;

fn main() {
    console_error_panic_hook::set_once();
    state::theme::apply(state::theme::chosen());
    leptos::mount::mount_to_body(app::App);
}
