//! Response templates (seeds 001, 002): replies with placeholders such as `{NAME}` that are
//! filled in from the ticket before a steward edits and sends them.
//!
//! A placeholder is an upper-case name in braces; spaces inside the braces are allowed, as the
//! seeds write them (`{ NAME }`). `{{` and `}}` stand for literal braces. A template with an
//! unknown placeholder or an unmatched brace is refused, with the place and the known names, when
//! an admin saves it and when a steward fills it in: nothing half-filled is ever sent.

use std::fmt;

/// A placeholder and what it stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Placeholder {
    /// The requester's name.
    Name,
    /// The ticket's community.
    Community,
    /// The ticket's number, as `#42`.
    Ticket,
    /// The ticket's title.
    Title,
    /// The address of the ticket's page.
    Link,
    /// The steward sending the reply.
    Steward,
    /// What the steward has to say about this case: written when the template is used.
    Context,
}

impl Placeholder {
    pub const ALL: &'static [Placeholder] = &[
        Placeholder::Name,
        Placeholder::Community,
        Placeholder::Ticket,
        Placeholder::Title,
        Placeholder::Link,
        Placeholder::Steward,
        Placeholder::Context,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Placeholder::Name => "NAME",
            Placeholder::Community => "COMMUNITY",
            Placeholder::Ticket => "TICKET",
            Placeholder::Title => "TITLE",
            Placeholder::Link => "LINK",
            Placeholder::Steward => "STEWARD",
            Placeholder::Context => "CONTEXT",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Placeholder::Name => "the requester's name",
            Placeholder::Community => "the ticket's community",
            Placeholder::Ticket => "the ticket's number, such as #42",
            Placeholder::Title => "the ticket's title",
            Placeholder::Link => "the address of the ticket's page",
            Placeholder::Steward => "your name",
            Placeholder::Context => "what you write about this case when you use the template",
        }
    }

    fn parse(name: &str) -> Option<Placeholder> {
        Placeholder::ALL.iter().copied().find(|p| p.name() == name)
    }
}

/// What is wrong with a template, in words an admin or steward can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TemplateError {
    /// `{WHAT}` is not a placeholder Steward knows.
    UnknownPlaceholder { name: String, line: usize },
    /// A `{` without its `}`, or a `}` without its `{`.
    UnmatchedBrace { line: usize },
    /// The template uses `{CONTEXT}` but nothing was written for it.
    ContextMissing,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let known = Placeholder::ALL.iter().map(|p| format!("{{{}}}", p.name())).collect::<Vec<_>>().join(", ");
        match self {
            TemplateError::UnknownPlaceholder { name, line } => {
                write!(f, "Line {line}: {{{name}}} is not a placeholder Steward knows; use one of {known}.")
            }
            TemplateError::UnmatchedBrace { line } => write!(
                f,
                "Line {line}: a brace is not matched; placeholders look like {{NAME}}, and {{{{ or }}}} writes a brace."
            ),
            TemplateError::ContextMissing => {
                write!(f, "This template has a {{CONTEXT}} placeholder: write what it should say.")
            }
        }
    }
}

impl std::error::Error for TemplateError {}

/// A piece of a parsed template.
#[derive(Debug, PartialEq)]
enum Piece<'a> {
    Text(&'a str),
    Brace(char),
    Placeholder(Placeholder),
}

fn parse(template: &str) -> Result<Vec<Piece<'_>>, TemplateError> {
    let mut pieces = Vec::new();
    let mut rest = template;
    let line_at = |rest: &str| template[..template.len() - rest.len()].matches('\n').count() + 1;
    while let Some(at) = rest.find(['{', '}']) {
        if at > 0 {
            pieces.push(Piece::Text(&rest[..at]));
        }
        let tail = &rest[at..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            pieces.push(Piece::Brace(tail.as_bytes()[0] as char));
            rest = &tail[2..];
        } else if tail.starts_with('}') {
            return Err(TemplateError::UnmatchedBrace { line: line_at(tail) });
        } else {
            let Some(close) = tail.find('}').filter(|close| !tail[1..*close].contains(['{', '\n'])) else {
                return Err(TemplateError::UnmatchedBrace { line: line_at(tail) });
            };
            let name = tail[1..close].trim();
            let placeholder = Placeholder::parse(name)
                .ok_or_else(|| TemplateError::UnknownPlaceholder { name: name.to_owned(), line: line_at(tail) })?;
            pieces.push(Piece::Placeholder(placeholder));
            rest = &tail[close + 1..];
        }
    }
    if !rest.is_empty() {
        pieces.push(Piece::Text(rest));
    }
    Ok(pieces)
}

/// Checks a template as an admin saves it.
pub fn check(template: &str) -> Result<(), TemplateError> {
    parse(template).map(|_| ())
}

/// The values a template is filled with.
#[derive(Clone, Debug, Default)]
pub struct Values {
    pub name: String,
    pub community: String,
    pub ticket_number: i64,
    /// What `{TICKET}` says when the reply is not about one ticket (an incident's update, posted
    /// on each of its tickets: "Incident 7"); `#ticket_number` when unset.
    pub reference: Option<String>,
    pub title: String,
    pub link: String,
    pub steward: String,
    pub context: String,
}

impl Values {
    fn get(&self, placeholder: Placeholder) -> String {
        match placeholder {
            Placeholder::Name => self.name.clone(),
            Placeholder::Community => self.community.clone(),
            Placeholder::Ticket => self.reference.clone().unwrap_or_else(|| format!("#{}", self.ticket_number)),
            Placeholder::Title => self.title.clone(),
            Placeholder::Link => self.link.clone(),
            Placeholder::Steward => self.steward.clone(),
            Placeholder::Context => self.context.trim().to_owned(),
        }
    }
}

/// The template filled in with `values`, or what stops it.
pub fn fill(template: &str, values: &Values) -> Result<String, TemplateError> {
    let pieces = parse(template)?;
    if pieces.contains(&Piece::Placeholder(Placeholder::Context)) && values.context.trim().is_empty() {
        return Err(TemplateError::ContextMissing);
    }
    Ok(pieces
        .into_iter()
        .map(|piece| match piece {
            Piece::Text(text) => text.to_owned(),
            Piece::Brace(brace) => brace.to_string(),
            Piece::Placeholder(placeholder) => values.get(placeholder),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> Values {
        Values {
            name: "Ada".into(),
            community: "Aurora".into(),
            ticket_number: 42,
            reference: None,
            title: "Disk full".into(),
            link: "https://steward.example/tickets/42".into(),
            steward: "Sam".into(),
            context: " the image cache ".into(),
        }
    }

    #[test]
    fn every_placeholder_is_filled() {
        let template = "{NAME} {COMMUNITY} {TICKET} {TITLE} {LINK} {STEWARD} {CONTEXT}";
        assert_eq!(
            fill(template, &values()).unwrap(),
            "Ada Aurora #42 Disk full https://steward.example/tickets/42 Sam the image cache"
        );
        for placeholder in Placeholder::ALL {
            assert!(template.contains(placeholder.name()), "the test covers {placeholder:?}");
        }
    }

    #[test]
    fn placeholders_may_have_spaces_as_the_seeds_write_them() {
        assert_eq!(fill("Hello { NAME },\n", &values()).unwrap(), "Hello Ada,\n");
    }

    #[test]
    fn double_braces_write_braces_and_text_is_kept_as_it_is() {
        assert_eq!(fill("{{NAME}} is {NAME}: ünïcode", &values()).unwrap(), "{NAME} is Ada: ünïcode");
        assert_eq!(fill("", &values()).unwrap(), "");
        assert_eq!(fill("no placeholders", &values()).unwrap(), "no placeholders");
    }

    #[test]
    fn an_unknown_placeholder_is_refused_with_its_line_and_the_known_names() {
        let error = fill("Hello {NAME},\nabout {HUB}", &values()).unwrap_err();
        assert_eq!(error, TemplateError::UnknownPlaceholder { name: "HUB".into(), line: 2 });
        let message = error.to_string();
        assert!(message.contains("Line 2: {HUB} is not a placeholder"), "{message}");
        assert!(message.contains("{NAME}") && message.contains("{CONTEXT}"), "{message}");
        assert_eq!(check("{name}"), Err(TemplateError::UnknownPlaceholder { name: "name".into(), line: 1 }));
        assert_eq!(check("{}"), Err(TemplateError::UnknownPlaceholder { name: "".into(), line: 1 }));
    }

    #[test]
    fn unmatched_braces_are_refused() {
        assert_eq!(check("Hello {NAME"), Err(TemplateError::UnmatchedBrace { line: 1 }));
        assert_eq!(check("a\nb }"), Err(TemplateError::UnmatchedBrace { line: 2 }));
        assert_eq!(check("{NA\nME}"), Err(TemplateError::UnmatchedBrace { line: 1 }));
        assert_eq!(check("{{NAME}"), Err(TemplateError::UnmatchedBrace { line: 1 }));
        assert!(TemplateError::UnmatchedBrace { line: 3 }.to_string().starts_with("Line 3:"));
    }

    #[test]
    fn context_must_be_written_when_the_template_asks_for_it() {
        let empty = Values { context: "  ".into(), ..values() };
        assert_eq!(fill("We think: {CONTEXT}", &empty), Err(TemplateError::ContextMissing));
        assert_eq!(fill("Hello {NAME}", &empty).unwrap(), "Hello Ada");
    }

    #[test]
    fn an_incident_update_names_the_incident_where_a_reply_names_its_ticket() {
        let incident = Values { reference: Some("Incident 7".into()), ..values() };
        assert_eq!(fill("About {TICKET}.", &incident).as_deref(), Ok("About Incident 7."));
        assert_eq!(fill("About {TICKET}.", &values()).as_deref(), Ok("About #42."));
    }
}
