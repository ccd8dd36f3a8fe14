//! The request types and what a new request of each must say: one form per request type (seed 000: "templates prepared for
//! common support issues"), the priority scale with its promised response times (seed 003), and
//! the checks every new request passes before it is stored. The server enforces these forms;
//! the browser only renders them. The forms below ship with Steward; an admin may edit a type's
//! description, default confidentiality and questions ([`FormSpec`], checked by [`edited_form`]),
//! and the edit applies from then on. The priorities each type allows are the seed's rule and are
//! not edited.

use std::collections::BTreeMap;

use crate::Priority;
use crate::values::text_enum;

text_enum! {
    /// What kind of help a request asks for (seeds 001, 002, 003).
    RequestType {
        Incident = ("incident", "Incident"),
        ChangeRequest = ("change_request", "Change request"),
        GuidanceRequest = ("guidance_request", "Guidance request"),
        WorkshopRequest = ("workshop_request", "Workshop request"),
        AddRemoveUser = ("add_remove_user", "Add or remove a user"),
        ProblemTroubleshooting = ("problem_troubleshooting", "Problem or troubleshooting"),
        Other = ("other", "Other"),
    }
}

impl RequestType {
    /// Whether requests of this type are scheduled for a date and planned rather than assigned
    /// to a steward (seed 001: workshop requests).
    pub fn is_scheduled_not_assigned(self) -> bool {
        self == RequestType::WorkshopRequest
    }
}

/// One question on a form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    pub key: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    pub required: bool,
    pub kind: FieldKind,
}

/// How an answer is entered and checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldKind {
    Line,
    Text,
    Url,
    Date,
    Email,
    /// Credentials, personal data, private addresses: always sent sealed (encrypted in the
    /// browser to the team's keys, see [`crate::openpgp`]); asked only while the team has a key.
    Secret,
}

/// The form of one request type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Form {
    pub request_type: RequestType,
    pub description: &'static str,
    pub fields: &'static [Field],
    /// Types that usually carry private data start out confidential.
    pub confidential_by_default: bool,
    pub allowed_priorities: &'static [Priority],
}

/// One question of a form as it applies now.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FieldSpec {
    pub key: String,
    pub label: String,
    pub help: String,
    pub required: bool,
    pub kind: FieldKind,
}

/// A form as it applies now: the one Steward ships, or an admin's edit of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormSpec {
    pub request_type: RequestType,
    pub description: String,
    pub fields: Vec<FieldSpec>,
    pub confidential_by_default: bool,
    pub allowed_priorities: Vec<Priority>,
    /// Whether an admin edited it.
    pub customized: bool,
}

impl Form {
    /// The shipped form as it applies when nobody edited it.
    pub fn spec(&self) -> FormSpec {
        FormSpec {
            request_type: self.request_type,
            description: self.description.to_owned(),
            fields: self
                .fields
                .iter()
                .map(|f| FieldSpec {
                    key: f.key.to_owned(),
                    label: f.label.to_owned(),
                    help: f.help.to_owned(),
                    required: f.required,
                    kind: f.kind,
                })
                .collect(),
            confidential_by_default: self.confidential_by_default,
            allowed_priorities: self.allowed_priorities.to_vec(),
            customized: false,
        }
    }
}

pub const FORM_DESCRIPTION_MAX_CHARS: usize = 500;
pub const FORM_MAX_FIELDS: usize = 20;
pub const FIELD_LABEL_MAX_CHARS: usize = 120;
pub const FIELD_HELP_MAX_CHARS: usize = 300;

/// An admin's edit of `request_type`'s form, checked: the form that applies from then on, or the
/// first problem, named as in the API (`form.fields[2].key`, ...).
pub fn edited_form(
    request_type: RequestType,
    description: &str,
    confidential_by_default: bool,
    fields: Vec<FieldSpec>,
) -> Result<FormSpec, FieldError> {
    let description = description.trim();
    if description.is_empty() || description.chars().count() > FORM_DESCRIPTION_MAX_CHARS {
        return Err(FieldError::new(
            "form.description",
            format!("Say when to use this type (up to {FORM_DESCRIPTION_MAX_CHARS} characters)."),
        ));
    }
    if fields.len() > FORM_MAX_FIELDS {
        return Err(FieldError::new("form.fields", format!("A form asks at most {FORM_MAX_FIELDS} questions.")));
    }
    let mut checked: Vec<FieldSpec> = Vec::new();
    for (i, field) in fields.into_iter().enumerate() {
        let name = |part: &str| format!("form.fields[{i}].{part}");
        let key = field.key.trim().to_owned();
        let valid_key = key.len() <= 40
            && key.starts_with(|c: char| c.is_ascii_lowercase())
            && key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !valid_key {
            return Err(FieldError::new(
                name("key"),
                "Use lower-case letters, digits and _ (up to 40), starting with a letter.",
            ));
        }
        if checked.iter().any(|f| f.key == key) {
            return Err(FieldError::new(name("key"), format!("Another question already uses the key \"{key}\".")));
        }
        let label = field.label.trim().to_owned();
        if label.is_empty() || label.chars().count() > FIELD_LABEL_MAX_CHARS {
            return Err(FieldError::new(
                name("label"),
                format!("Ask the question (up to {FIELD_LABEL_MAX_CHARS} characters)."),
            ));
        }
        let help = field.help.trim().to_owned();
        if help.chars().count() > FIELD_HELP_MAX_CHARS {
            return Err(FieldError::new(
                name("help"),
                format!("Keep the help under {FIELD_HELP_MAX_CHARS} characters."),
            ));
        }
        checked.push(FieldSpec { key, label, help, required: field.required, kind: field.kind });
    }
    Ok(FormSpec {
        request_type,
        description: description.to_owned(),
        fields: checked,
        confidential_by_default,
        allowed_priorities: form_for(request_type).allowed_priorities.to_vec(),
        customized: true,
    })
}

/// One step of the priority scale (seed 003); what it promises is configured (see
/// [`crate::sla`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PriorityLevel {
    pub priority: Priority,
    pub scope: &'static str,
}

/// The priority scale, highest first.
pub const PRIORITY_SCALE: &[PriorityLevel] = &[
    PriorityLevel {
        priority: Priority::ProductionDown,
        scope: "Only for incidents and problems that affect a lot of end users right now.",
    },
    PriorityLevel { priority: Priority::Urgent, scope: "Blocks your work or affects end users." },
    PriorityLevel { priority: Priority::Normal, scope: "Everything that can be handled in the regular flow." },
];

const fn field(key: &'static str, label: &'static str, help: &'static str, required: bool, kind: FieldKind) -> Field {
    Field { key, label, help, required, kind }
}

const ALL_PRIORITIES: &[Priority] = &[Priority::ProductionDown, Priority::Urgent, Priority::Normal];
const NOT_PRODUCTION_DOWN: &[Priority] = &[Priority::Urgent, Priority::Normal];

/// The forms, in the order they are offered.
pub const FORMS: &[Form] = &[
    Form {
        request_type: RequestType::Incident,
        description: "The service is down or badly degraded for many people.",
        fields: &[
            field("affected_service", "Affected service or hub", "Its name or address.", true, FieldKind::Line),
            field("started_at", "When did it start?", "Date and time, with your time zone.", true, FieldKind::Line),
            field(
                "impact",
                "Who is affected, and how?",
                "How many people, and what they cannot do.",
                true,
                FieldKind::Text,
            ),
            field(
                "steps_taken",
                "What have you tried?",
                "Anything you already checked or changed.",
                false,
                FieldKind::Text,
            ),
        ],
        confidential_by_default: false,
        allowed_priorities: &[Priority::ProductionDown, Priority::Urgent],
    },
    Form {
        request_type: RequestType::ProblemTroubleshooting,
        description: "Something is broken or does not behave as expected.",
        fields: &[
            field("environment", "Where does it happen?", "The hub, environment or address.", true, FieldKind::Line),
            field("expected", "What did you expect?", "", true, FieldKind::Text),
            field(
                "actual",
                "What happened instead?",
                "Include error messages, exactly as shown.",
                true,
                FieldKind::Text,
            ),
            field("reproduce", "Steps to reproduce", "What someone must do to see it happen.", false, FieldKind::Text),
            field("users_affected", "How many users are affected?", "", false, FieldKind::Line),
        ],
        confidential_by_default: false,
        allowed_priorities: ALL_PRIORITIES,
    },
    Form {
        request_type: RequestType::ChangeRequest,
        description: "Something in your environment should be added, changed or removed.",
        fields: &[
            field("environment", "Which hub or environment?", "", true, FieldKind::Line),
            field(
                "desired_change",
                "What should change?",
                "Be as specific as you can: versions, sizes, names.",
                true,
                FieldKind::Text,
            ),
            field("reason", "Why, and by when?", "What it enables, and any deadline.", true, FieldKind::Text),
            field(
                "funding",
                "Dedicated funding",
                "If this work comes with dedicated funding, say which.",
                false,
                FieldKind::Line,
            ),
        ],
        confidential_by_default: false,
        allowed_priorities: NOT_PRODUCTION_DOWN,
    },
    Form {
        request_type: RequestType::GuidanceRequest,
        description: "Questions and advice on how to use the service or its tools.",
        fields: &[
            field("topic", "What do you need guidance on?", "", true, FieldKind::Line),
            field(
                "context",
                "What have you read or tried?",
                "Links to documentation you used help us answer faster.",
                false,
                FieldKind::Text,
            ),
            field("meeting", "Would a call help?", "Suggest a few times, with your time zone.", false, FieldKind::Line),
        ],
        confidential_by_default: false,
        allowed_priorities: NOT_PRODUCTION_DOWN,
    },
    Form {
        request_type: RequestType::WorkshopRequest,
        description: "Preparing the service for a workshop or event; scheduled ahead.",
        fields: &[
            field("workshop_date", "Workshop date", "The first day of the event.", true, FieldKind::Date),
            field(
                "participants",
                "Expected participants",
                "Roughly how many people will log in.",
                true,
                FieldKind::Line,
            ),
            field("environment", "Which hub?", "", true, FieldKind::Line),
            field(
                "needs",
                "Special needs",
                "Extra resources, images, shared passwords to change.",
                false,
                FieldKind::Text,
            ),
        ],
        confidential_by_default: false,
        allowed_priorities: NOT_PRODUCTION_DOWN,
    },
    Form {
        request_type: RequestType::AddRemoveUser,
        description: "Someone needs access granted or revoked.",
        fields: &[
            field(
                "access_change",
                "Add or remove, and which access?",
                "For example: add as hub admin.",
                true,
                FieldKind::Line,
            ),
            field("people", "Who?", "One person per line: name and email address.", true, FieldKind::Text),
            field("environment", "Which hub or environment?", "", true, FieldKind::Line),
            field(
                "secrets",
                "Anything private",
                "Temporary passwords, personal data, private links: encrypted in your browser for the support team.",
                false,
                FieldKind::Secret,
            ),
        ],
        confidential_by_default: true,
        allowed_priorities: NOT_PRODUCTION_DOWN,
    },
    Form {
        request_type: RequestType::Other,
        description: "Anything else.",
        fields: &[],
        confidential_by_default: false,
        allowed_priorities: NOT_PRODUCTION_DOWN,
    },
];

/// The form of `request_type`.
pub fn form_for(request_type: RequestType) -> &'static Form {
    FORMS.iter().find(|form| form.request_type == request_type).unwrap_or(&FORMS[FORMS.len() - 1])
}

/// A field of a request that is missing or wrong, named as in the API (`title`,
/// `answers.environment`, ...), with what to do about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for FieldError {}

/// A new request as submitted, before any check.
#[derive(Clone, Debug, Default)]
pub struct RequestDraft {
    pub request_type: Option<RequestType>,
    pub priority: Option<Priority>,
    pub title: String,
    pub description: String,
    pub confidential: bool,
    pub answers: BTreeMap<String, String>,
}

/// One answer to a form field, with the label it was asked under.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Answer {
    pub key: String,
    pub label: String,
    /// As typed, or an armored OpenPGP message when it was sealed.
    pub value: String,
    /// For a sealed answer, the fingerprints of the keys that can read it (set by the server
    /// from the message itself); empty for an answer in the clear.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sealed_for: Vec<String>,
}

impl Answer {
    /// Whether the answer is an OpenPGP message rather than text in the clear.
    pub fn is_sealed(&self) -> bool {
        crate::openpgp::sealed_block(&self.value).is_some()
    }
}

/// The form as it is offered when the team has no encryption key: its secret questions are
/// left out, since nothing could seal their answers.
pub fn without_secrets(mut form: FormSpec) -> FormSpec {
    form.fields.retain(|field| field.kind != FieldKind::Secret);
    form
}

/// A request that passed every check: what gets stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedRequest {
    pub request_type: RequestType,
    pub priority: Priority,
    pub title: String,
    pub description: String,
    pub confidential: bool,
    /// Non-empty answers, in the form's order.
    pub answers: Vec<Answer>,
}

pub const TITLE_MAX_CHARS: usize = 200;
pub const DESCRIPTION_MAX_CHARS: usize = 20_000;
pub const ANSWER_MAX_CHARS: usize = 5_000;

/// Checks a draft against its type's shipped form; every problem found is returned, in the
/// form's order.
pub fn check(draft: RequestDraft) -> Result<CheckedRequest, Vec<FieldError>> {
    check_with(draft, |request_type| form_for(request_type).spec())
}

/// Checks a draft against its type's form as `form_of` gives it (admins may have edited it).
/// Every problem is reported at once, so a person fixes them all in one go: the questions of
/// the form are checked once a type is chosen.
pub fn check_with(
    draft: RequestDraft,
    form_of: impl Fn(RequestType) -> FormSpec,
) -> Result<CheckedRequest, Vec<FieldError>> {
    let mut errors = Vec::new();
    let form = draft.request_type.map(&form_of);
    if draft.request_type.is_none() {
        errors.push(FieldError::new("request_type", "Choose a request type."));
    }
    match (draft.priority, draft.request_type, &form) {
        (None, _, _) => errors.push(FieldError::new("priority", "Choose a priority.")),
        (Some(priority), Some(request_type), Some(form)) if !form.allowed_priorities.contains(&priority) => {
            let allowed: Vec<_> = form.allowed_priorities.iter().map(|p| p.label()).collect();
            errors.push(FieldError::new(
                "priority",
                format!(
                    "{} is not available for {} requests; choose {}.",
                    priority,
                    request_type.label(),
                    allowed.join(" or ")
                ),
            ));
        }
        _ => {}
    }
    let title = draft.title.trim().to_owned();
    if title.is_empty() {
        errors.push(FieldError::new("title", "Give the request a title."));
    } else if title.chars().count() > TITLE_MAX_CHARS {
        errors.push(FieldError::new("title", format!("Keep the title under {TITLE_MAX_CHARS} characters.")));
    }
    let description = draft.description.trim().to_owned();
    if description.is_empty() {
        errors.push(FieldError::new("description", "Describe what you need."));
    } else if description.chars().count() > DESCRIPTION_MAX_CHARS {
        errors.push(FieldError::new(
            "description",
            format!("Keep the description under {DESCRIPTION_MAX_CHARS} characters."),
        ));
    }
    let mut answers = Vec::new();
    if let (Some(request_type), Some(form)) = (draft.request_type, &form) {
        for unknown in draft.answers.keys().filter(|key| !form.fields.iter().any(|f| f.key == **key)) {
            errors.push(FieldError::new(
                format!("answers.{unknown}"),
                format!("The {} form has no question \"{unknown}\".", request_type.label().to_lowercase()),
            ));
        }
        for field in &form.fields {
            let value = draft.answers.get(field.key.as_str()).map(|v| v.trim()).unwrap_or_default();
            if value.is_empty() {
                if field.required {
                    errors.push(FieldError::new(
                        format!("answers.{}", field.key),
                        format!("\"{}\" is required.", field.label),
                    ));
                }
                continue;
            }
            match check_answer(field, value) {
                Ok(()) => answers.push(Answer {
                    key: field.key.clone(),
                    label: field.label.clone(),
                    value: value.to_owned(),
                    sealed_for: Vec::new(),
                }),
                Err(error) => errors.push(error),
            }
        }
    }
    match (draft.request_type, draft.priority) {
        (Some(request_type), Some(priority)) if errors.is_empty() => {
            Ok(CheckedRequest { request_type, priority, title, description, confidential: draft.confidential, answers })
        }
        _ => Err(errors),
    }
}

fn check_answer(field: &FieldSpec, value: &str) -> Result<(), FieldError> {
    let error = |message: String| Err(FieldError::new(format!("answers.{}", field.key), message));
    if crate::openpgp::sealed_block(value).is_some() {
        if value.chars().count() > crate::openpgp::SEALED_MAX_CHARS {
            return Err(crate::openpgp::SealRefusal::TooLong.of_field(&format!("answers.{}", field.key)));
        }
        return Ok(());
    }
    if field.kind == FieldKind::Secret {
        return error(format!(
            "\"{}\" is secret: it is encrypted in your browser before it is sent, and this answer arrived \
             readable, so nothing was saved. Reload the page and send it again.",
            field.label
        ));
    }
    if value.chars().count() > ANSWER_MAX_CHARS {
        return error(format!("Keep \"{}\" under {ANSWER_MAX_CHARS} characters.", field.label));
    }
    match field.kind {
        FieldKind::Line if value.contains('\n') => error(format!("\"{}\" takes a single line.", field.label)),
        FieldKind::Url
            if !(value.starts_with("https://") || value.starts_with("http://"))
                || value.contains(char::is_whitespace) =>
        {
            error(format!("\"{}\" must be a web address starting with https://.", field.label))
        }
        FieldKind::Date if chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").is_err() => {
            error(format!("\"{}\" must be a date written YYYY-MM-DD.", field.label))
        }
        FieldKind::Email if !looks_like_email(value) => error(format!("\"{}\" must be an email address.", field.label)),
        _ => Ok(()),
    }
}

/// A plausible address: one `@`, something before it, a dot in the domain, no spaces.
pub fn looks_like_email(value: &str) -> bool {
    match value.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !value.contains(char::is_whitespace)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one problem a check found.
    fn only(mut errors: Vec<FieldError>) -> FieldError {
        assert_eq!(errors.len(), 1, "{errors:?}");
        errors.remove(0)
    }

    #[test]
    fn every_problem_is_reported_at_once_in_the_form_order() {
        let nothing = RequestDraft::default();
        let fields: Vec<String> = check(nothing).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["request_type", "priority", "title", "description"], "no type: its questions wait");

        let incident = RequestDraft {
            request_type: Some(RequestType::Incident),
            answers: [("nonsense".to_owned(), "x".to_owned())].into(),
            ..RequestDraft::default()
        };
        let fields: Vec<String> = check(incident).unwrap_err().into_iter().map(|e| e.field).collect();
        let expected = [
            "priority",
            "title",
            "description",
            "answers.nonsense",
            "answers.affected_service",
            "answers.started_at",
            "answers.impact",
        ];
        assert_eq!(fields, expected, "the optional question is not a problem");
    }

    fn draft(request_type: RequestType, priority: Priority, answers: &[(&str, &str)]) -> RequestDraft {
        RequestDraft {
            request_type: Some(request_type),
            priority: Some(priority),
            title: "  Hub is slow  ".into(),
            description: "Since this morning.".into(),
            confidential: false,
            answers: answers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        }
    }

    #[test]
    fn every_request_type_has_exactly_one_form() {
        for request_type in RequestType::ALL {
            assert_eq!(FORMS.iter().filter(|f| f.request_type == *request_type).count(), 1, "{request_type:?}");
            assert_eq!(form_for(*request_type).request_type, *request_type);
        }
    }

    #[test]
    fn field_keys_are_unique_within_a_form() {
        for form in FORMS {
            let mut keys: Vec<_> = form.fields.iter().map(|f| f.key).collect();
            keys.sort();
            keys.dedup();
            assert_eq!(keys.len(), form.fields.len(), "{:?}", form.request_type);
        }
    }

    #[test]
    fn production_down_is_only_for_incidents_and_problems() {
        for form in FORMS {
            let allows = form.allowed_priorities.contains(&Priority::ProductionDown);
            let expected = matches!(form.request_type, RequestType::Incident | RequestType::ProblemTroubleshooting);
            assert_eq!(allows, expected, "{:?}", form.request_type);
        }
        let answers = [("environment", "hub"), ("desired_change", "numpy 2"), ("reason", "course")];
        let error =
            check(draft(RequestType::ChangeRequest, Priority::ProductionDown, &answers)).map_err(only).unwrap_err();
        assert_eq!(error.field, "priority");
        assert!(error.message.contains("Urgent or Normal"), "{}", error.message);
    }

    #[test]
    fn a_complete_request_is_trimmed_and_answers_keep_form_order() {
        let checked = check(draft(
            RequestType::ChangeRequest,
            Priority::Normal,
            &[("reason", "Course starts Monday"), ("environment", "aurora-hub"), ("desired_change", " Add numpy 2 ")],
        ))
        .unwrap();
        assert_eq!(checked.title, "Hub is slow");
        let keys: Vec<_> = checked.answers.iter().map(|a| a.key.as_str()).collect();
        assert_eq!(keys, ["environment", "desired_change", "reason"]);
        assert_eq!(checked.answers[1].value, "Add numpy 2");
        assert_eq!(checked.answers[1].label, "What should change?");
    }

    #[test]
    fn a_missing_required_answer_names_its_field() {
        let error =
            check(draft(RequestType::ChangeRequest, Priority::Normal, &[("environment", "x"), ("reason", "y")]))
                .map_err(only)
                .unwrap_err();
        assert_eq!(error, FieldError::new("answers.desired_change", "\"What should change?\" is required."));
        let blank = check(draft(
            RequestType::ChangeRequest,
            Priority::Normal,
            &[("environment", "  "), ("desired_change", "x"), ("reason", "y")],
        ))
        .map_err(only)
        .unwrap_err();
        assert_eq!(blank.field, "answers.environment", "blank is missing");
    }

    #[test]
    fn an_unknown_answer_is_refused() {
        let error =
            check(draft(RequestType::Other, Priority::Normal, &[("password", "hunter2")])).map_err(only).unwrap_err();
        assert_eq!(error.field, "answers.password");
    }

    #[test]
    fn answers_are_checked_by_kind() {
        let base = [("participants", "30"), ("environment", "aurora")];
        let with_date = |date: &'static str| {
            let mut answers = base.to_vec();
            answers.push(("workshop_date", date));
            check(draft(RequestType::WorkshopRequest, Priority::Normal, &answers))
        };
        assert!(with_date("2026-12-01").is_ok());
        assert_eq!(with_date("next tuesday").map_err(only).unwrap_err().field, "answers.workshop_date");
        assert_eq!(with_date("2026-02-30").map_err(only).unwrap_err().field, "answers.workshop_date");
        let multi_line = check(draft(RequestType::GuidanceRequest, Priority::Normal, &[("topic", "two\nlines")]))
            .map_err(only)
            .unwrap_err();
        assert_eq!(multi_line.field, "answers.topic");
    }

    #[test]
    fn title_description_type_and_priority_are_required() {
        let mut no_title = draft(RequestType::Other, Priority::Normal, &[]);
        no_title.title = "   ".into();
        assert_eq!(check(no_title).map_err(only).unwrap_err().field, "title");
        let mut long_title = draft(RequestType::Other, Priority::Normal, &[]);
        long_title.title = "x".repeat(TITLE_MAX_CHARS + 1);
        assert_eq!(check(long_title).map_err(only).unwrap_err().field, "title");
        let mut no_description = draft(RequestType::Other, Priority::Normal, &[]);
        no_description.description.clear();
        assert_eq!(check(no_description).map_err(only).unwrap_err().field, "description");
        let mut no_type = draft(RequestType::Other, Priority::Normal, &[]);
        no_type.request_type = None;
        assert_eq!(check(no_type).map_err(only).unwrap_err().field, "request_type");
        let mut no_priority = draft(RequestType::Other, Priority::Normal, &[]);
        no_priority.priority = None;
        assert_eq!(check(no_priority).map_err(only).unwrap_err().field, "priority");
    }

    #[test]
    fn user_changes_start_confidential() {
        assert!(form_for(RequestType::AddRemoveUser).confidential_by_default);
        assert!(!form_for(RequestType::Incident).confidential_by_default);
    }

    #[test]
    fn email_shapes() {
        assert!(looks_like_email("rita@aurora.example"));
        for bad in ["rita", "@aurora.example", "rita@aurora", "rita@@a.b", "ri ta@a.b", "rita@.example"] {
            assert!(!looks_like_email(bad), "{bad}");
        }
    }

    fn question(key: &str, label: &str, required: bool) -> FieldSpec {
        FieldSpec { key: key.into(), label: label.into(), help: String::new(), required, kind: FieldKind::Line }
    }

    #[test]
    fn an_edited_form_is_enforced_in_place_of_the_shipped_one() {
        let edited =
            edited_form(RequestType::Other, " Anything else. ", true, vec![question("hub", "Which hub?", true)])
                .unwrap();
        assert!(edited.customized && edited.confidential_by_default);
        assert_eq!(edited.allowed_priorities, form_for(RequestType::Other).allowed_priorities, "priorities stay");
        let form_of = |t: RequestType| if t == RequestType::Other { edited.clone() } else { form_for(t).spec() };
        let missing = check_with(draft(RequestType::Other, Priority::Normal, &[]), form_of).map_err(only).unwrap_err();
        assert_eq!((missing.field.as_str(), missing.message.as_str()), ("answers.hub", "\"Which hub?\" is required."));
        let answered = check_with(draft(RequestType::Other, Priority::Normal, &[("hub", "aurora")]), form_of).unwrap();
        assert_eq!(answered.answers[0].label, "Which hub?");
    }

    #[test]
    fn an_edit_with_a_bad_question_names_it() {
        let edit =
            |fields: Vec<FieldSpec>| edited_form(RequestType::Other, "Anything else.", false, fields).map(|_| ());
        let field = |result: Result<(), FieldError>| result.unwrap_err().field;
        assert_eq!(field(edit(vec![question("Hub", "Which hub?", true)])), "form.fields[0].key");
        assert_eq!(field(edit(vec![question("hub", "A", true), question("hub", "B", false)])), "form.fields[1].key");
        assert_eq!(field(edit(vec![question("hub", "  ", true)])), "form.fields[0].label");
        let long_help = FieldSpec { help: "x".repeat(FIELD_HELP_MAX_CHARS + 1), ..question("hub", "Hub", false) };
        assert_eq!(field(edit(vec![long_help])), "form.fields[0].help");
        assert_eq!(
            field(edit((0..=FORM_MAX_FIELDS).map(|i| question(&format!("q{i}"), "Q", false)).collect())),
            "form.fields"
        );
        assert_eq!(edited_form(RequestType::Other, " ", false, vec![]).unwrap_err().field, "form.description");
        assert!(edit(vec![]).is_ok(), "a form may ask nothing beyond title and description");
    }

    #[test]
    fn every_shipped_form_passes_the_checks_an_edit_must_pass() {
        for form in FORMS {
            let spec = form.spec();
            let again =
                edited_form(form.request_type, &spec.description, spec.confidential_by_default, spec.fields.clone())
                    .unwrap_or_else(|e| panic!("{:?}: {e}", form.request_type));
            assert_eq!(again.fields, spec.fields);
        }
    }

    const SEALED: &str = "-----BEGIN PGP MESSAGE-----\n\nhF4DAAAA\n=abcd\n-----END PGP MESSAGE-----";

    fn secret_form() -> FormSpec {
        let mut form = form_for(RequestType::Other).spec();
        form.fields = vec![
            FieldSpec {
                key: "pin".into(),
                label: "PIN".into(),
                help: String::new(),
                required: true,
                kind: FieldKind::Secret,
            },
            FieldSpec {
                key: "site".into(),
                label: "Site".into(),
                help: String::new(),
                required: true,
                kind: FieldKind::Url,
            },
        ];
        form
    }

    #[test]
    fn a_secret_answer_is_taken_only_sealed_and_any_answer_may_be_sealed() {
        let plain = draft(RequestType::Other, Priority::Normal, &[("pin", "1234"), ("site", "https://hub.example")]);
        let error = check_with(plain, |_| secret_form()).map_err(only).unwrap_err();
        assert_eq!(error.field, "answers.pin");
        assert!(error.message.contains("nothing was saved"), "{}", error.message);

        let sealed = draft(RequestType::Other, Priority::Normal, &[("pin", SEALED), ("site", SEALED)]);
        let checked = check_with(sealed, |_| secret_form()).expect("sealed answers skip the kind's checks");
        assert!(checked.answers.iter().all(Answer::is_sealed));
        assert!(checked.answers.iter().all(|a| a.sealed_for.is_empty()), "the server names the readers");

        let long = format!("-----BEGIN PGP MESSAGE-----\n\n{}\n-----END PGP MESSAGE-----", "A".repeat(200_000));
        let huge = draft(RequestType::Other, Priority::Normal, &[("pin", &long), ("site", "https://hub.example")]);
        assert_eq!(check_with(huge, |_| secret_form()).map_err(only).unwrap_err().field, "answers.pin");
    }

    #[test]
    fn without_a_team_key_secret_questions_are_not_asked() {
        let form = without_secrets(secret_form());
        assert_eq!(form.fields.iter().map(|f| f.key.as_str()).collect::<Vec<_>>(), ["site"]);
        let shipped = form_for(RequestType::AddRemoveUser).spec();
        assert!(shipped.fields.iter().any(|f| f.kind == FieldKind::Secret), "adding a user may need a password");
        let answers = [("access_change", "add"), ("people", "Dana"), ("environment", "hub")];
        let checked = check_with(draft(RequestType::AddRemoveUser, Priority::Normal, &answers), |t| {
            without_secrets(form_for(t).spec())
        });
        assert!(checked.is_ok(), "the optional secret question is simply not there");
        let stored = Answer { key: "k".into(), label: "K".into(), value: SEALED.into(), sealed_for: vec!["F".into()] };
        let json = serde_json::to_string(&stored).expect("json");
        assert_eq!(serde_json::from_str::<Answer>(&json).expect("back"), stored);
        let old = r#"{"key":"k","label":"K","value":"v"}"#;
        assert!(serde_json::from_str::<Answer>(old).expect("answers stored before sealing").sealed_for.is_empty());
    }
}
