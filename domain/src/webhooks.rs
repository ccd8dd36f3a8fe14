//! Webhooks (issue 13, after GitHub's signed webhooks): which events an endpoint may ask for,
//! which ticket events they are, where an endpoint may be, and what its signature covers.
//!
//! - Events: `ticket.filed`, `ticket.moved`, `ticket.replied` (public messages only: an
//!   internal note is never sent), `incident.declared`, `incident.updated` (public updates
//!   only), `incident.resolved`; and `ping`, the test an admin sends.
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
}

impl WebhookEvent {
    pub const ALL: [WebhookEvent; 6] = [
        WebhookEvent::TicketFiled,
        WebhookEvent::TicketMoved,
        WebhookEvent::TicketReplied,
        WebhookEvent::IncidentDeclared,
        WebhookEvent::IncidentUpdated,
        WebhookEvent::IncidentResolved,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WebhookEvent::TicketFiled => "ticket.filed",
            WebhookEvent::TicketMoved => "ticket.moved",
            WebhookEvent::TicketReplied => "ticket.replied",
            WebhookEvent::IncidentDeclared => "incident.declared",
            WebhookEvent::IncidentUpdated => "incident.updated",
            WebhookEvent::IncidentResolved => "incident.resolved",
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
}
