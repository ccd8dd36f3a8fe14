//! When the signed-in person may have new in-app notifications: a live change that raises one
//! (a clock warned or missed, a reminder) bumps this, and the header counts them again.

use leptos::prelude::*;

/// Bumped each time something may have told the person something.
#[derive(Clone, Copy)]
pub struct NotificationsChanged(pub RwSignal<u32>);

/// Provides [`NotificationsChanged`] to everything below.
pub fn provide() {
    provide_context(NotificationsChanged(RwSignal::new(0)));
}

/// The handle to bump from outside the component tree (a live stream's task).
pub fn handle() -> Handle {
    Handle(use_context::<NotificationsChanged>())
}

/// See [`handle`].
#[derive(Clone, Copy)]
pub struct Handle(Option<NotificationsChanged>);

impl Handle {
    /// Says that notifications may have changed.
    pub fn changed(self) {
        if let Some(signal) = self.0 {
            signal.0.try_update(|n| *n = n.wrapping_add(1));
        }
    }
}

/// Tracks changes (for an effect that counts them again).
pub fn track() {
    if let Some(signal) = use_context::<NotificationsChanged>() {
        signal.0.track();
    }
}
