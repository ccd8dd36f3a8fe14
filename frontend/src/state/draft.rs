//! Text a person is typing, kept in the tab's session storage until it is sent, so a reload
//! (a sign-in after the session expired, a crash, an accidental refresh) gives it back.
//! Session storage belongs to the tab and is gone when it closes: nothing typed outlives it.

use leptos::prelude::*;

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.session_storage().ok().flatten())
}

/// A text signal that starts from what was kept under `key` and keeps every change.
pub fn kept_text(key: String) -> RwSignal<String> {
    let kept = storage().and_then(|s| s.get_item(&key).ok().flatten()).unwrap_or_default();
    let text = RwSignal::new(kept);
    Effect::new(move |_| {
        let Some(storage) = storage() else { return };
        text.with(|value| {
            let _ = if value.is_empty() { storage.remove_item(&key) } else { storage.set_item(&key, value) };
        });
    });
    text
}
