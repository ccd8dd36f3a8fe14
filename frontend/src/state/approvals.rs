//! How many members' requests wait for the signed-in representative's approval, for the count in
//! the navigation. The header reads it on each page and every minute; the approvals page sets it
//! each time it reads its queue, so an approval shows in the count at once.

use leptos::prelude::*;

/// Requests waiting for this person's approval; `None` until first read (and for staff).
#[derive(Clone, Copy)]
pub struct ApprovalsWaiting(pub RwSignal<Option<usize>>);

/// Provides [`ApprovalsWaiting`] to everything below.
pub fn provide() {
    provide_context(ApprovalsWaiting(RwSignal::new(None)));
}

/// The count, as last read.
pub fn waiting() -> Option<usize> {
    use_context::<ApprovalsWaiting>().and_then(|w| w.0.get())
}

/// The handle to record a fresh count with, from a task that outlives the reactive owner's
/// context lookups.
pub fn handle() -> Handle {
    Handle(use_context::<ApprovalsWaiting>())
}

/// See [`handle`].
#[derive(Clone, Copy)]
pub struct Handle(Option<ApprovalsWaiting>);

impl Handle {
    /// Records a fresh count.
    pub fn set(self, count: usize) {
        if let Some(waiting) = self.0 {
            waiting.0.try_set(Some(count));
        }
    }
}
