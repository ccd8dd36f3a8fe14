//! Who is signed in: asked once by the shell, read by every page.

use leptos::prelude::*;
use steward_proto::v1 as pb;

/// The signed-in person, shared with every page.
#[derive(Clone, Copy)]
pub struct CurrentUser(pub RwSignal<Option<pb::Person>>);

impl CurrentUser {
    pub fn get(&self) -> Option<pb::Person> {
        self.0.get()
    }

    /// The time zone the person's times are shown in: their own, else (none) the browser's.
    pub fn zone(&self) -> Option<String> {
        self.0.with(|person| person.as_ref().and_then(|p| p.time_zone.clone()))
    }
}

/// The largest file the server takes (0 until the shell has asked), so a file over it is
/// refused before a byte is sent.
#[derive(Clone, Copy)]
pub struct UploadLimit(pub RwSignal<u64>);

/// Whether the person is on the support team.
pub fn is_staff(person: &pb::Person) -> bool {
    person.staff_role != pb::StaffRole::None as i32
}

/// Whether the person administers Steward.
pub fn is_admin(person: &pb::Person) -> bool {
    person.staff_role == pb::StaffRole::Admin as i32
}

/// Whether the person represents at least one community.
pub fn is_representative(person: &pb::Person) -> bool {
    person.memberships.iter().any(|m| m.role == pb::MembershipRole::Representative as i32)
}
