//! Webhooks (issue 13, after GitHub's signed webhooks): which events an endpoint may ask for,
//! which ticket events they are, where an endpoint may be, and what its signature covers.
//!
//! - Events: `ticket.filed`, `ticket.moved`, `ticket.replied` (public messages only: an
//!   internal note is never sent), `incident.declared`, `incident.updated` (public updates
//!   only), `incident.resolved`, the pages of [`crate::paging`] (`page.triggered`,
//!   `page.escalated`, `page.acknowledged`, `page.ended`); and `ping`, the test an admin sends.
//! - An endpoint gets Steward's signed JSON, or PagerDuty's Events API v2 (a paging
//!   integration): then it may ask only for the page events PagerDuty has actions for
//!   (trigger, acknowledge, resolve), and needs the integration's routing key.
//! - An endpoint is an `https://` URL, or `http://` on this machine (loopback), with no
//!   user name or password in it ([`endpoint_problem`]).
//! - The signature is HMAC-SHA256 over `"{timestamp}.{body}"`, so a receiver can refuse a
//!   replayed old body ([`signed_content`]).

use crate::events::TicketEvent;

/// What an endpoint can be told of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WebhookEvent {
    TicketFiled,
    TicketMoved,
    TicketReplied,
    IncidentDeclared,
    IncidentUpdated,
    IncidentResolved,
    PageTriggered,
    PageEscalated,
    PageAcknowledged,
    PageEnded,
}

impl WebhookEvent {
    pub const ALL: [WebhookEvent; 10] = [
        WebhookEvent::TicketFiled,
        WebhookEvent::TicketMoved,
        WebhookEvent::TicketReplied,
        WebhookEvent::IncidentDeclared,
        WebhookEvent::IncidentUpdated,
        WebhookEvent::IncidentResolved,
        WebhookEvent::PageTriggered,
        WebhookEvent::PageEscalated,
        WebhookEvent::PageAcknowledged,
        WebhookEvent::PageEnded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WebhookEvent::TicketFiled => "ticket.filed",
            WebhookEvent::TicketMoved => "ticket.moved",
            WebhookEvent::TicketReplied => "ticket.replied",
            WebhookEvent::IncidentDeclared => "incident.declared",
            WebhookEvent::IncidentUpdated => "incident.updated",
            WebhookEvent::IncidentResolved => "incident.resolved",
            WebhookEvent::PageTriggered => "page.triggered",
            WebhookEvent::PageEscalated => "page.escalated",
            WebhookEvent::PageAcknowledged => "page.acknowledged",
            WebhookEvent::PageEnded => "page.ended",
        }
    }

    pub fn parse(text: &str) -> Option<WebhookEvent> {
        WebhookEvent::ALL.into_iter().find(|e| e.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            WebhookEvent::TicketFiled => "A ticket is filed",
            WebhookEvent::TicketMoved => "A ticket changes state",
            WebhookEvent::TicketReplied => "A public reply is posted",
            WebhookEvent::IncidentDeclared => "An incident is declared",
            WebhookEvent::IncidentUpdated => "A public incident update is posted",
            WebhookEvent::IncidentResolved => "An incident is resolved",
            WebhookEvent::PageTriggered => "Production down: the person on call is paged",
            WebhookEvent::PageEscalated => "A page nobody acknowledged reaches the next level",
            WebhookEvent::PageAcknowledged => "A page is acknowledged",
            WebhookEvent::PageEnded => "A page ends (resolved, or no longer production down)",
        }
    }

    /// The PagerDuty Events API action this event is, if PagerDuty takes it.
    pub fn pagerduty_action(self) -> Option<&'static str> {
        match self {
            WebhookEvent::PageTriggered => Some("trigger"),
            WebhookEvent::PageAcknowledged => Some("acknowledge"),
            WebhookEvent::PageEnded => Some("resolve"),
            _ => None,
        }
    }

    /// The webhook event a ticket event is, if it is one.
    pub fn of_ticket_event(event: &TicketEvent) -> Option<WebhookEvent> {
        match event {
            TicketEvent::Created { .. } => Some(WebhookEvent::TicketFiled),
            TicketEvent::Transitioned { .. } | TicketEvent::RequesterReplied { .. } => Some(WebhookEvent::TicketMoved),
            TicketEvent::Commented { internal: false, .. } => Some(WebhookEvent::TicketReplied),
            _ => None,
        }
    }
}

/// What an endpoint is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WebhookFormat {
    /// Steward's JSON, signed with the endpoint's secret.
    Steward,
    /// PagerDuty's Events API v2, for the endpoint's routing key.
    PagerDuty,
}

impl WebhookFormat {
    pub const ALL: [WebhookFormat; 2] = [WebhookFormat::Steward, WebhookFormat::PagerDuty];

    pub fn as_str(self) -> &'static str {
        match self {
            WebhookFormat::Steward => "steward",
            WebhookFormat::PagerDuty => "pagerduty",
        }
    }

    pub fn parse(text: &str) -> Option<WebhookFormat> {
        WebhookFormat::ALL.into_iter().find(|f| f.as_str() == text)
    }

    /// Whether an endpoint of this format may ask for `event`.
    pub fn takes(self, event: WebhookEvent) -> bool {
        match self {
            WebhookFormat::Steward => true,
            WebhookFormat::PagerDuty => event.pagerduty_action().is_some(),
        }
    }
}

/// PagerDuty's Events API v2 address (an admin may give another, such as a proxy's).
pub const PAGERDUTY_EVENTS_URL: &str = "https://events.pagerduty.com/v2/enqueue";

/// Why a PagerDuty routing key is refused, or none: an integration key is 32 letters and digits.
pub fn routing_key_problem(key: &str) -> Option<&'static str> {
    let fine = key.len() == 32 && key.chars().all(|c| c.is_ascii_alphanumeric());
    (!fine).then_some("Paste the integration's routing key from PagerDuty: 32 letters and digits.")
}

/// Why an endpoint is refused, in words for the admin, from its parsed address (`scheme` lower
/// case, `host` as the URL gives it); `None` when it is fine.
pub fn endpoint_problem(scheme: &str, host: &str, has_credentials: bool) -> Option<&'static str> {
    if has_credentials {
        return Some("Put no user name or password in the address; the signature proves the sender.");
    }
    let loopback = matches!(host, "127.0.0.1" | "localhost" | "[::1]" | "::1");
    match scheme {
        _ if host.is_empty() => Some("Give the endpoint's full address, such as https://hooks.example.org/steward."),
        "https" => None,
        "http" if loopback => None,
        "http" => Some("Use https: an endpoint elsewhere must not receive tickets in the clear."),
        _ => Some("Give an https:// address, such as https://hooks.example.org/steward."),
    }
}

/// What the signature is made over: the timestamp it is sent with, a dot, and the body.
pub fn signed_content(timestamp: i64, body: &str) -> String {
    format!("{timestamp}.{body}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_https_or_this_machine_and_carry_no_credentials() {
        assert_eq!(endpoint_problem("https", "hooks.example.org", false), None);
        assert_eq!(endpoint_problem("http", "127.0.0.1", false), None);
        assert_eq!(endpoint_problem("http", "localhost", false), None);
        assert!(endpoint_problem("http", "hooks.example.org", false).is_some_and(|p| p.contains("https")));
        assert!(endpoint_problem("https", "hooks.example.org", true).is_some_and(|p| p.contains("password")));
        assert!(endpoint_problem("ftp", "hooks.example.org", false).is_some());
        assert!(endpoint_problem("https", "", false).is_some());
    }

    #[test]
    fn only_public_changes_become_webhook_events() {
        assert_eq!(
            WebhookEvent::of_ticket_event(&TicketEvent::Commented { comment_id: 1, internal: false }),
            Some(WebhookEvent::TicketReplied)
        );
        assert_eq!(WebhookEvent::of_ticket_event(&TicketEvent::Commented { comment_id: 1, internal: true }), None);
        for event in WebhookEvent::ALL {
            assert_eq!(WebhookEvent::parse(event.as_str()), Some(event));
        }
        assert_eq!(signed_content(1_700_000_000, "{}"), "1700000000.{}");
    }

    #[test]
    fn pagerduty_takes_the_page_events_it_has_actions_for() {
        let taken: Vec<&str> = WebhookEvent::ALL
            .into_iter()
            .filter(|e| WebhookFormat::PagerDuty.takes(*e))
            .map(WebhookEvent::as_str)
            .collect();
        assert_eq!(taken, ["page.triggered", "page.acknowledged", "page.ended"]);
        assert!(WebhookEvent::ALL.into_iter().all(|e| WebhookFormat::Steward.takes(e)));
        assert_eq!(WebhookEvent::PageEnded.pagerduty_action(), Some("resolve"));
        assert_eq!(routing_key_problem("R0123456789abcdefghijklmnopqrstu"), None);
        assert!(routing_key_problem("short").is_some());
        assert!(routing_key_problem("R0123456789abcdefghijklmnopqrst!").is_some());
        for format in WebhookFormat::ALL {
            assert_eq!(WebhookFormat::parse(format.as_str()), Some(format));
        }
    }
}
