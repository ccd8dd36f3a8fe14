//! The tab's title: what the page shows first, then "Steward" ("#42 Hub is down · Steward"),
//! so a person with many tabs open finds the one they want. Every page sets its own; a title
//! that depends on what the page read follows it as it changes.

use leptos::prelude::*;

/// Titles the tab `title · Steward` for as long as the calling page is shown.
pub fn page_title(title: impl Fn() -> String + Send + Sync + 'static) {
    Effect::new(move |_| {
        let title = title();
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            document.set_title(&full_title(&title));
        }
    });
}

/// `title · Steward`, or just "Steward" while there is nothing to say.
fn full_title(title: &str) -> String {
    match title.trim() {
        "" => "Steward".to_owned(),
        title => format!("{title} · Steward"),
    }
}

#[cfg(test)]
mod tests {
    use super::full_title;

    #[test]
    fn the_page_comes_first_and_an_empty_title_leaves_the_name_alone() {
        assert_eq!(full_title("#42 Hub is down"), "#42 Hub is down · Steward");
        assert_eq!(full_title("  "), "Steward");
    }
}
