//! The ticket page's store: what the page shows, one signal per part, read once (GetTicket)
//! and then kept current by the live stream. A change patches what it touches: the card brings
//! the ticket's fields, the typed payload the rest. Only what a change names but does not carry
//! is fetched (the new messages, the survey, the triage panel), never the whole ticket again,
//! so nothing the person is typing is rebuilt. A resync (too much missed) reads it all again.

use leptos::prelude::*;
use steward_domain::TicketState;
use steward_domain::facts::Principal;
use steward_proto::domain::WireEnum;
use steward_proto::v1 as pb;
use steward_proto::v1::field_change::Field;
use steward_proto::v1::ticket_happening::Kind;

use crate::api::{self, ApiError};

/// What the page shows of one ticket.
#[derive(Clone, Copy)]
pub struct TicketStore {
    pub ticket: RwSignal<pb::Ticket>,
    /// The description as the server rendered it (Markdown, sanitized).
    pub description_html: RwSignal<String>,
    /// The files filed with the request.
    pub request_files: RwSignal<Vec<pb::AttachedFile>>,
    /// Oldest first.
    pub comments: RwSignal<Vec<pb::Comment>>,
    pub links: RwSignal<Vec<pb::TicketLink>>,
    /// Staff only.
    pub triage: RwSignal<Option<pb::TicketTriage>>,
    pub survey: RwSignal<Option<pb::Survey>>,
    /// `None` until the history has been read.
    pub history: RwSignal<Option<Vec<pb::TicketEvent>>>,
    /// Staff only: its pages (production down), newest first; `None` until read.
    pub pages: RwSignal<Option<Vec<pb::Page>>>,
    /// Whether the person may write internal notes and change the triage fields.
    pub can_manage: bool,
    /// Why bringing the page up to date failed, while it is being tried again.
    pub stale: RwSignal<Option<String>>,
}

impl TicketStore {
    pub fn new(response: pb::GetTicketResponse) -> TicketStore {
        TicketStore {
            ticket: RwSignal::new(response.ticket.unwrap_or_default()),
            description_html: RwSignal::new(response.description_html),
            request_files: RwSignal::new(response.attachments),
            comments: RwSignal::new(response.comments),
            links: RwSignal::new(response.links),
            triage: RwSignal::new(response.triage),
            survey: RwSignal::new(response.survey),
            history: RwSignal::new(None),
            pages: RwSignal::new(None),
            can_manage: response.can_manage,
            stale: RwSignal::new(None),
        }
    }

    /// Reads the pages if the person is on the support team and the ticket has or had any to
    /// show (it is production down, or a change named a page).
    pub fn load_pages(&self, named: bool) {
        let production_down = self.ticket.with_untracked(|t| t.priority == pb::Priority::ProductionDown as i32);
        if self.can_manage && (named || production_down) {
            let about = pb::list_pages_request::About::TicketNumber(self.number());
            crate::components::paging::load(about, self.pages, self.stale);
        }
    }

    /// Everything again, from a fresh read (after a resync).
    pub fn replace(&self, response: pb::GetTicketResponse) {
        if let Some(ticket) = response.ticket {
            self.show_ticket(ticket);
        }
        self.description_html.set(response.description_html);
        self.request_files.set(response.attachments);
        self.comments.set(response.comments);
        self.links.set(response.links);
        self.triage.set(response.triage);
        self.survey.set(response.survey);
        self.load_pages(self.pages.with_untracked(Option::is_some));
    }

    /// A ticket the server answered with (after the person's own step or edit), if it is newer
    /// than the one shown.
    pub fn show_ticket(&self, ticket: pb::Ticket) {
        self.ticket.maybe_update(|shown| {
            let newer = ticket.version > shown.version;
            if newer {
                *shown = ticket;
            }
            newer
        });
    }

    /// A message the person just posted (the stream's echo then finds it already shown).
    pub fn show_comment(&self, comment: pb::Comment) {
        self.comments.maybe_update(|list| add_comments(list, vec![comment]));
    }

    /// A link the person just added (the stream's echo then finds it already shown).
    pub fn show_link(&self, link: pb::TicketLink) {
        self.links.maybe_update(|list| add_link(list, link));
    }

    /// Applies a change from the stream, then fetches what it names but does not carry.
    pub fn apply(&self, change: &pb::TicketChange, who: Option<&Principal>) {
        self.ticket.maybe_update(|ticket| patch_ticket(ticket, change));
        self.links.maybe_update(|links| patch_links(links, change));
        self.history.maybe_update(|history| history.as_mut().is_some_and(|events| add_event(events, change)));
        let needed = follow_up(change);
        if let Some(id) = needed.comment
            && self.comments.with_untracked(|list| list.iter().all(|c| c.id != id))
        {
            self.fetch_comments();
        }
        if needed.survey && self.sees_survey(who) {
            self.fetch_survey();
        }
        if needed.triage && self.can_manage {
            self.fetch_triage();
        }
        if needed.pages {
            self.load_pages(true);
        }
    }

    fn sees_survey(&self, who: Option<&Principal>) -> bool {
        let Some(who) = who else { return false };
        self.ticket.with_untracked(|ticket| {
            steward_proto::domain::ticket_facts(ticket)
                .is_some_and(|facts| steward_domain::authz::can_see_survey(who, &facts))
        })
    }

    fn number(&self) -> i64 {
        self.ticket.with_untracked(|t| t.number)
    }

    fn fetch_comments(&self) {
        let store = *self;
        let request = pb::ListCommentsRequest {
            number: self.number(),
            after_id: self.comments.with_untracked(|list| list.iter().map(|c| c.id).max().unwrap_or(0)),
        };
        leptos::task::spawn_local(async move {
            let call = move || async move { api::tickets().list_comments(request).await };
            if let Some(response) = api::read_in_background(store.stale, call).await {
                store.comments.try_maybe_update(|list| (add_comments(list, response.comments), ()));
            }
        });
    }

    fn fetch_survey(&self) {
        let store = *self;
        let request = pb::GetSurveyRequest { number: self.number() };
        leptos::task::spawn_local(async move {
            let call = move || async move { api::tickets().get_survey(request).await };
            if let Some(response) = api::read_in_background(store.stale, call).await {
                store.survey.try_set(response.survey);
            }
        });
    }

    fn fetch_triage(&self) {
        let store = *self;
        let request = pb::GetTicketTriageRequest { number: self.number() };
        leptos::task::spawn_local(async move {
            let call = move || async move { api::triage().get_ticket_triage(request).await };
            if let Some(response) = api::read_in_background(store.stale, call).await {
                store.triage.try_set(response.triage);
            }
        });
    }

    /// Reads the history once (when the person first opens it); the stream extends it.
    pub fn load_history(&self, error: RwSignal<Option<ApiError>>) {
        let store = *self;
        let request = pb::ListTicketEventsRequest { number: self.number() };
        leptos::task::spawn_local(async move {
            match api::read(move || async move { api::tickets().list_ticket_events(request).await }).await {
                Ok(response) => {
                    store.history.try_set(Some(response.events));
                }
                Err(failed) => {
                    error.try_set(Some(failed));
                }
            }
        });
    }
}

/// What a change names that the page must fetch to show it.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct FollowUp {
    /// A message was posted: this one.
    pub comment: Option<i64>,
    /// The survey may have appeared, gone or been answered.
    pub survey: bool,
    /// Flags, timebox or time logged changed (and with them, the triage panel).
    pub triage: bool,
    /// A page was sent, escalated, acknowledged or ended.
    pub pages: bool,
}

pub fn follow_up(change: &pb::TicketChange) -> FollowUp {
    let resolved = TicketState::Resolved.to_wire() as i32;
    match change.what.as_ref().and_then(|w| w.kind.as_ref()) {
        Some(Kind::Commented(commented)) => FollowUp { comment: Some(commented.comment_id), ..FollowUp::default() },
        Some(Kind::Transitioned(step)) => {
            FollowUp { survey: step.from == resolved || step.to == resolved, ..FollowUp::default() }
        }
        Some(Kind::SurveyAnswered(_)) => FollowUp { survey: true, ..FollowUp::default() },
        Some(Kind::FlagsSet(_) | Kind::Timebox(_) | Kind::TimeLogged(_)) => {
            FollowUp { triage: true, ..FollowUp::default() }
        }
        Some(Kind::Paged(_) | Kind::PageAcknowledged(_) | Kind::PageEnded(_)) => {
            FollowUp { pages: true, ..FollowUp::default() }
        }
        _ => FollowUp::default(),
    }
}

/// The ticket's fields after `change`: the card's, when it is newer than what is shown, and
/// what the payload says of the fields a card does not carry. Whether anything changed.
pub fn patch_ticket(ticket: &mut pb::Ticket, change: &pb::TicketChange) -> bool {
    let before = ticket.clone();
    if let Some(card) = &change.card
        && card.version > ticket.version
    {
        ticket.title.clone_from(&card.title);
        ticket.request_type = card.request_type;
        ticket.priority = card.priority;
        ticket.state = card.state;
        ticket.assignee.clone_from(&card.assignee);
        ticket.confidential = card.confidential;
        ticket.version = card.version;
    }
    // A message changes these without a new version; both only ever move forward.
    if let Some(card) = &change.card {
        if ticket.acknowledged_at.is_none() {
            ticket.acknowledged_at = card.acknowledged_at;
        }
        if card.updated_at.map(|t| (t.seconds, t.nanos)) > ticket.updated_at.map(|t| (t.seconds, t.nanos)) {
            ticket.updated_at = card.updated_at;
        }
    }
    match change.what.as_ref().and_then(|w| w.kind.as_ref()) {
        Some(Kind::Updated(updated)) => {
            for field in updated.changes.iter().filter_map(|c| c.field.as_ref()) {
                if let Field::ScheduledFor(day) = field {
                    ticket.scheduled_for.clone_from(&day.to);
                }
            }
        }
        Some(Kind::ReleaseRecorded(release)) => ticket.released_in.clone_from(&release.released_in),
        _ => {}
    }
    *ticket != before
}

/// The linked issues after `change`. Whether anything changed.
pub fn patch_links(links: &mut Vec<pb::TicketLink>, change: &pb::TicketChange) -> bool {
    match change.what.as_ref().and_then(|w| w.kind.as_ref()) {
        Some(Kind::Linked(linked)) if linked.link_id != 0 => add_link(
            links,
            pb::TicketLink {
                id: linked.link_id,
                url: linked.url.clone(),
                title: linked.title.clone(),
                added_by: change.actor.clone(),
                created_at: change.at,
            },
        ),
        Some(Kind::Unlinked(unlinked)) => {
            let count = links.len();
            links.retain(|l| l.id != unlinked.link_id);
            links.len() != count
        }
        _ => false,
    }
}

/// Adds the link unless it is shown already. Whether it was new.
fn add_link(links: &mut Vec<pb::TicketLink>, link: pb::TicketLink) -> bool {
    let new = links.iter().all(|l| l.id != link.id);
    if new {
        links.push(link);
    }
    new
}

/// Adds the messages not shown yet, in order. Whether any was new.
pub fn add_comments(list: &mut Vec<pb::Comment>, newer: Vec<pb::Comment>) -> bool {
    let count = list.len();
    for comment in newer {
        if list.iter().all(|c| c.id != comment.id) {
            list.push(comment);
        }
    }
    list.sort_by_key(|c| c.id);
    list.len() != count
}

/// Adds the change to the history, once. Whether it was new.
fn add_event(events: &mut Vec<pb::TicketEvent>, change: &pb::TicketChange) -> bool {
    let Some(id) = change.position.as_ref().map(|p| p.event) else { return false };
    if events.iter().any(|e| e.id == id) {
        return false;
    }
    events.push(pb::TicketEvent { id, actor: change.actor.clone(), at: change.at, what: change.what.clone() });
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(version: i64, kind: Kind) -> pb::TicketChange {
        pb::TicketChange {
            position: Some(pb::LivePosition { transaction: 10, event: version }),
            number: 5,
            actor: Some(pb::PersonRef { id: 2, display_name: "Sam Steward".into() }),
            at: Some(prost_types::Timestamp { seconds: 1_800_000_000, nanos: 0 }),
            what: Some(pb::TicketHappening { kind: Some(kind) }),
            card: Some(pb::BoardCard {
                number: 5,
                title: "Quota".into(),
                state: TicketState::Open.to_wire() as i32,
                priority: 2,
                version,
                ..Default::default()
            }),
        }
    }

    fn ticket(version: i64) -> pb::Ticket {
        pb::Ticket {
            number: 5,
            title: "Quota".into(),
            description: "Kept: cards carry no description.".into(),
            state: TicketState::New.to_wire() as i32,
            priority: 1,
            version,
            ..Default::default()
        }
    }

    #[test]
    fn a_newer_card_brings_the_fields_and_an_older_one_changes_nothing() {
        let mut shown = ticket(3);
        let moved = change(4, Kind::Reordered(pb::Reordered::default()));
        assert!(patch_ticket(&mut shown, &moved));
        assert_eq!((shown.state, shown.priority, shown.version), (TicketState::Open.to_wire() as i32, 2, 4));
        assert_eq!(shown.description, "Kept: cards carry no description.");

        let mut newer = ticket(9);
        assert!(!patch_ticket(&mut newer, &moved), "a late card never wins");
        assert_eq!(newer, ticket(9));
    }

    #[test]
    fn a_message_acknowledges_and_updates_without_a_new_version() {
        let mut shown = ticket(3);
        let mut replied = change(3, Kind::Commented(pb::Commented { comment_id: 1, internal: false }));
        let at = Some(prost_types::Timestamp { seconds: 1_800_000_100, nanos: 0 });
        if let Some(card) = replied.card.as_mut() {
            card.acknowledged_at = at;
            card.updated_at = at;
        }
        assert!(patch_ticket(&mut shown, &replied));
        assert_eq!((shown.acknowledged_at, shown.updated_at, shown.version), (at, at, 3));
        assert_eq!(shown.state, ticket(3).state, "the rest waits for a newer version");
    }

    #[test]
    fn fields_no_card_carries_come_from_the_payload() {
        let mut shown = ticket(3);
        let scheduled = pb::FieldsUpdated {
            changes: vec![pb::FieldChange {
                field: Some(Field::ScheduledFor(pb::ScheduledForChange { from: None, to: Some("2026-12-14".into()) })),
            }],
        };
        patch_ticket(&mut shown, &change(4, Kind::Updated(scheduled)));
        assert_eq!(shown.scheduled_for.as_deref(), Some("2026-12-14"));
        let release = pb::ReleaseRecorded { released_in: Some("v2.4".into()) };
        patch_ticket(&mut shown, &change(5, Kind::ReleaseRecorded(release)));
        assert_eq!(shown.released_in.as_deref(), Some("v2.4"));
    }

    #[test]
    fn links_arrive_once_and_leave_by_id() {
        let mut links = Vec::new();
        let linked =
            change(4, Kind::Linked(pb::IssueLinked { url: "https://x/1".into(), title: "Quota".into(), link_id: 7 }));
        assert!(patch_links(&mut links, &linked));
        assert!(!patch_links(&mut links, &linked), "a repeated change adds nothing");
        assert_eq!((links[0].id, links[0].added_by.as_ref().map(|p| p.id)), (7, Some(2)));
        assert!(patch_links(&mut links, &change(5, Kind::Unlinked(pb::IssueUnlinked { link_id: 7 }))));
        assert!(links.is_empty());
    }

    #[test]
    fn only_what_a_change_does_not_carry_is_fetched() {
        let commented = change(4, Kind::Commented(pb::Commented { comment_id: 12, internal: false }));
        assert_eq!(follow_up(&commented), FollowUp { comment: Some(12), ..FollowUp::default() });
        let resolved = TicketState::Resolved.to_wire() as i32;
        let open = TicketState::Open.to_wire() as i32;
        let resolve = pb::Transitioned { action: 0, from: open, to: resolved, reason: None };
        assert!(follow_up(&change(5, Kind::Transitioned(resolve))).survey);
        let start =
            pb::Transitioned { action: 0, from: open, to: TicketState::InProgress.to_wire() as i32, reason: None };
        assert_eq!(follow_up(&change(5, Kind::Transitioned(start))), FollowUp::default());
        assert!(follow_up(&change(6, Kind::TimeLogged(pb::TimeLogged { minutes: 5 }))).triage);
        assert_eq!(follow_up(&change(7, Kind::Reordered(pb::Reordered::default()))), FollowUp::default());
    }

    #[test]
    fn messages_are_shown_once_in_order() {
        let comment = |id: i64| pb::Comment { id, ..Default::default() };
        let mut list = vec![comment(1), comment(3)];
        assert!(add_comments(&mut list, vec![comment(3), comment(2), comment(4)]));
        assert_eq!(list.iter().map(|c| c.id).collect::<Vec<_>>(), [1, 2, 3, 4]);
        assert!(!add_comments(&mut list, vec![comment(4)]));
    }

    #[test]
    fn the_history_grows_by_each_change_once() {
        let mut events = Vec::new();
        let moved = change(4, Kind::Reordered(pb::Reordered::default()));
        assert!(add_event(&mut events, &moved));
        assert!(!add_event(&mut events, &moved));
        assert_eq!(events[0].actor.as_ref().map(|a| a.display_name.as_str()), Some("Sam Steward"));
    }
}
