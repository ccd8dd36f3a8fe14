//! A message or description as the server rendered it from Markdown. The server's
//! `markdown` module is the one place that renders and sanitizes (raw HTML never gets through);
//! this only inserts the result, so every view shows Markdown the same way.

use leptos::prelude::*;

/// Rendered Markdown (a `*_html` field of the API), in a block styled for reading.
#[component]
pub fn Markdown(html: String) -> impl IntoView {
    view! { <div class="markdown" inner_html=html></div> }
}
