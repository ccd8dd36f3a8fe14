//! Who hears about what, and how (issue 13): each kind of news a person can be told, how each
//! person chose to hear it (in Steward, by email, both, or not at all) with the defaults a new
//! person starts from, and who an `@name` in a note means.
//!
//! - By default everyone hears in Steward and by email: staff of mentions, assignments,
//!   answers on their tickets, new requests (the stewards on support duty) and roles given to
//!   them in an incident; representatives of requests waiting for their approval and of public
//!   updates on incidents that affect their community; the requester of support's answers (by
//!   email, the answer itself). SLA warnings are told in Steward only, by default: they come
//!   often.
//! - A page (production down, [`crate::paging`]) always reaches the person paged both ways:
//!   nobody can turn it off.
//! - `@rita`, `@Rita` and `@rita.rep` mean the person whose first name or email's local part
//!   that is; a mention never means the person who wrote it.

/// What a person is told about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NewsKind {
    /// Someone wrote `@them` in an internal note.
    Mention,
    /// A ticket was assigned to them.
    Assignment,
    /// An answer on a ticket they requested (from support) or are assigned to (from the
    /// requester's side).
    Answer,
    /// A member's request waits for their approval.
    ApprovalWaiting,
    /// A clock of a ticket they look after is about to break, or broke; a reminder.
    ClockWarning,
    /// A new request reached the support team (told to the stewards on duty).
    NewTicket,
    /// They were given a role in an incident (commander, support steward, expert).
    IncidentRole,
    /// A public update on an incident that affects their community, or its resolution.
    IncidentUpdate,
    /// They are paged: production is down and they are on call.
    Page,
}

impl NewsKind {
    pub const ALL: [NewsKind; 9] = [
        NewsKind::Mention,
        NewsKind::Assignment,
        NewsKind::Answer,
        NewsKind::ApprovalWaiting,
        NewsKind::ClockWarning,
        NewsKind::NewTicket,
        NewsKind::IncidentRole,
        NewsKind::IncidentUpdate,
        NewsKind::Page,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NewsKind::Mention => "mention",
            NewsKind::Assignment => "assignment",
            NewsKind::Answer => "answer",
            NewsKind::ApprovalWaiting => "approval_waiting",
            NewsKind::ClockWarning => "clock_warning",
            NewsKind::NewTicket => "new_ticket",
            NewsKind::IncidentRole => "incident_role",
            NewsKind::IncidentUpdate => "incident_update",
            NewsKind::Page => "page",
        }
    }

    pub fn parse(text: &str) -> Option<NewsKind> {
        NewsKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// What a person reads beside their choice.
    pub fn label(self) -> &'static str {
        match self {
            NewsKind::Mention => "Someone mentions you in a note",
            NewsKind::Assignment => "A ticket is assigned to you",
            NewsKind::Answer => "An answer on a ticket you requested or look after",
            NewsKind::ApprovalWaiting => "A request waits for your approval",
            NewsKind::ClockWarning => "A response target is about to be missed, or was",
            NewsKind::NewTicket => "A new request reaches the team while you are on support duty",
            NewsKind::IncidentRole => "You are given a role in an incident",
            NewsKind::IncidentUpdate => "An incident that affects your community is updated or resolved",
            NewsKind::Page => "You are paged: production is down and you are on call",
        }
    }

    /// Whether a person may choose how they hear it (a page always reaches them both ways).
    pub fn choosable(self) -> bool {
        self != NewsKind::Page
    }

    /// Whether this kind of news can reach `staff` (or, when false, the communities' people).
    pub fn reaches(self, staff: bool) -> bool {
        match self {
            NewsKind::Mention
            | NewsKind::Assignment
            | NewsKind::NewTicket
            | NewsKind::IncidentRole
            | NewsKind::Page => staff,
            NewsKind::ApprovalWaiting | NewsKind::IncidentUpdate => !staff,
            NewsKind::Answer | NewsKind::ClockWarning => true,
        }
    }
}

/// How a person hears of one kind of news.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Delivery {
    InSteward,
    Email,
    Both,
    Neither,
}

impl Delivery {
    pub const ALL: [Delivery; 4] = [Delivery::InSteward, Delivery::Email, Delivery::Both, Delivery::Neither];

    pub fn as_str(self) -> &'static str {
        match self {
            Delivery::InSteward => "in_steward",
            Delivery::Email => "email",
            Delivery::Both => "both",
            Delivery::Neither => "neither",
        }
    }

    pub fn parse(text: &str) -> Option<Delivery> {
        Delivery::ALL.into_iter().find(|d| d.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Delivery::InSteward => "In Steward",
            Delivery::Email => "By email",
            Delivery::Both => "In Steward and by email",
            Delivery::Neither => "Not at all",
        }
    }

    pub fn in_steward(self) -> bool {
        matches!(self, Delivery::InSteward | Delivery::Both)
    }

    pub fn email(self) -> bool {
        matches!(self, Delivery::Email | Delivery::Both)
    }
}

/// How a person who chose nothing hears of `kind` (for the requester's side, "by email" of an
/// answer is support's answer itself); for a page, how everyone hears it.
pub fn default_delivery(kind: NewsKind) -> Delivery {
    match kind {
        NewsKind::ClockWarning => Delivery::InSteward,
        _ => Delivery::Both,
    }
}

/// Someone who may be mentioned.
#[derive(Clone, Copy, Debug)]
pub struct Mentionable<'a> {
    pub person_id: i64,
    pub display_name: &'a str,
    pub email: &'a str,
}

/// The people `text` mentions (`@first-name` or `@local-part`, any case), in the order first
/// mentioned, without `author`. An `@` inside a word (an email address) mentions nobody.
pub fn mentioned(text: &str, people: &[Mentionable<'_>], author: i64) -> Vec<i64> {
    let mut found = Vec::new();
    let mut previous = ' ';
    for (at, c) in text.char_indices() {
        if c == '@' && !(previous.is_alphanumeric() || previous == '.' || previous == '_') {
            let name: String =
                text[at + 1..].chars().take_while(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-')).collect();
            let name = name.trim_end_matches(['.', '-', '_']).to_lowercase();
            if !name.is_empty() {
                for person in people.iter().filter(|p| p.person_id != author && means(p, &name)) {
                    if !found.contains(&person.person_id) {
                        found.push(person.person_id);
                    }
                }
            }
        }
        previous = c;
    }
    found
}

fn means(person: &Mentionable<'_>, name: &str) -> bool {
    let first = person.display_name.split_whitespace().next().unwrap_or_default().to_lowercase();
    let local = person.email.split('@').next().unwrap_or_default().to_lowercase();
    name == first || name == local
}

#[cfg(test)]
mod tests {
    use super::*;

    const STAFF: [Mentionable<'static>; 3] = [
        Mentionable { person_id: 1, display_name: "Sam Steward", email: "sam@steward.example" },
        Mentionable { person_id: 2, display_name: "Tess Steward", email: "tess.t@steward.example" },
        Mentionable { person_id: 3, display_name: "Ada Admin", email: "admin@steward.example" },
    ];

    #[test]
    fn a_mention_is_a_first_name_or_an_email_s_local_part_in_any_case() {
        assert_eq!(mentioned("@tess can you look?", &STAFF, 1), [2]);
        assert_eq!(mentioned("Ping @Tess.T and @ADMIN.", &STAFF, 1), [2, 3], "local parts, any case, end punctuation");
        assert_eq!(mentioned("(@ada) and again @ada", &STAFF, 1), [3], "once each");
        assert_eq!(mentioned("@sam noted", &STAFF, 1), Vec::<i64>::new(), "never the author");
        assert_eq!(
            mentioned("write to tess@steward.example", &STAFF, 1),
            Vec::<i64>::new(),
            "an address mentions nobody"
        );
        assert_eq!(mentioned("@ nobody, @tessa, @", &STAFF, 1), Vec::<i64>::new());
        assert_eq!(mentioned("Grüße @Tess!", &STAFF, 3), [2]);
    }

    #[test]
    fn defaults_tell_everything_both_ways_and_clocks_only_in_steward() {
        for kind in NewsKind::ALL {
            let expected = if kind == NewsKind::ClockWarning { Delivery::InSteward } else { Delivery::Both };
            assert_eq!(default_delivery(kind), expected, "{kind:?}");
        }
    }

    #[test]
    fn kinds_and_deliveries_read_back_and_say_who_they_reach() {
        for kind in NewsKind::ALL {
            assert_eq!(NewsKind::parse(kind.as_str()), Some(kind));
            assert!(kind.reaches(true) || kind.reaches(false));
        }
        for delivery in Delivery::ALL {
            assert_eq!(Delivery::parse(delivery.as_str()), Some(delivery));
        }
        assert!(!NewsKind::Mention.reaches(false) && !NewsKind::ApprovalWaiting.reaches(true));
        assert!(NewsKind::Page.reaches(true) && !NewsKind::Page.reaches(false) && !NewsKind::Page.choosable());
        assert!(NewsKind::IncidentUpdate.reaches(false) && !NewsKind::IncidentUpdate.reaches(true));
        assert_eq!(NewsKind::ALL.iter().filter(|k| !k.choosable()).count(), 1, "only pages cannot be turned off");
        assert!(Delivery::Both.in_steward() && Delivery::Both.email());
        assert!(!Delivery::Neither.in_steward() && !Delivery::Neither.email());
        assert_eq!(NewsKind::parse("everything"), None);
    }
}
