//! Text a person is typing, kept in the tab's session storage until it is sent, so a reload
//! (a sign-in after the session expired, a crash, an accidental refresh) gives it back.
//! Session storage belongs to the tab and is gone when it closes: nothing typed outlives it.

use leptos::prelude::*;

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.session_storage().ok().flatten())
}

/// A text signal that starts from what was kept under `key` and keeps every change, except
/// while `secret` holds: a text to be encrypted is never written to storage, and what was kept
/// is removed the moment it does.
pub fn kept_text_unless(key: String, secret: Signal<bool>) -> RwSignal<String> {
    let kept = storage().and_then(|s| s.get_item(&key).ok().flatten()).unwrap_or_default();
    let text = RwSignal::new(kept);
    Effect::new(move |_| {
        let Some(storage) = storage() else { return };
        let secret = secret.get();
        text.with(|value| {
            let _ = if value.is_empty() || secret { storage.remove_item(&key) } else { storage.set_item(&key, value) };
        });
    });
    text
}
