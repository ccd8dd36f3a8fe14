//! Telling people the news, in the transaction of the change it is about: each person hears of
//! each kind as they chose (`steward_domain::notify`: in Steward, by email, both, or not at
//! all; the kind's default when they chose nothing; a page always both ways). In Steward is a
//! row on their Notifications page; by email is a news mail in the outbox.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use steward_domain::notify::{self, Delivery, NewsKind};

use diesel_async::AsyncConnection;
use steward_domain::facts::Principal;

use super::Core;
use crate::db::models::mail::{self as mail_rows, MailKind, NewMail};
use crate::db::models::{About, notifications, people};
use crate::error::{AppError, AppResult};

/// Tells each of `people` (once each, in order) `message`, news of `kind` about `about`, as
/// each chose. `message` is one sentence that names the ticket or incident.
pub(crate) async fn tell(
    conn: &AsyncPgConnection,
    kind: NewsKind,
    people_told: &[i64],
    about: About,
    message: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    tell_with(conn, kind, people_told, about, message, None, now).await
}

/// Like [`tell`]; a mail also carries `details` below the sentence (an incident update's text).
pub(crate) async fn tell_with(
    conn: &AsyncPgConnection,
    kind: NewsKind,
    people_told: &[i64],
    about: About,
    message: &str,
    details: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let mut told: Vec<i64> = Vec::with_capacity(people_told.len());
    for person in people_told {
        if !told.contains(person) {
            told.push(*person);
        }
    }
    if told.is_empty() {
        return Ok(());
    }
    let (chosen, found) =
        futures_util::try_join!(notifications::choices_for(conn, &told, kind), people::by_ids(conn, &told))?;
    let mut in_steward = Vec::new();
    let body = match details {
        Some(details) => format!("{message}\n\n{details}"),
        None => message.to_owned(),
    };
    for id in &told {
        let Some(person) = found.get(id) else { continue };
        let chose = chosen.get(id).copied().filter(|_| kind.choosable());
        let delivery = chose.unwrap_or_else(|| notify::default_delivery(kind));
        if delivery.in_steward() {
            in_steward.push(*id);
        }
        if delivery.email() {
            let subject = steward_domain::mail::one_line(&format!("[Steward] {message}"));
            let subject: String = subject.chars().take(steward_domain::mail::SUBJECT_MAX_CHARS).collect();
            let new = NewMail {
                kind: MailKind::News,
                recipient: &person.email,
                recipient_name: &person.display_name,
                person_id: Some(person.id),
                about,
                subject: &subject,
                body: &body,
                in_reply_to: None,
                page_id: None,
                action_path: None,
            };
            mail_rows::queue(conn, new, now).await?;
        }
    }
    notifications::notify(conn, &in_steward, kind, Some(about), message, now).await
}

/// How `person_id` hears news of `kind`: what they chose, else the default.
pub(crate) async fn delivery_for(conn: &AsyncPgConnection, person_id: i64, kind: NewsKind) -> AppResult<Delivery> {
    let chosen = notifications::choices_for(conn, &[person_id], kind).await?;
    Ok(chosen.get(&person_id).copied().unwrap_or_else(|| notify::default_delivery(kind)))
}

/// Records how `who` wants to hear each kind of news in `choices`; every kind that cannot
/// reach them is named at once.
pub async fn choose(core: &Core, who: &Principal, choices: &[(NewsKind, Delivery)]) -> AppResult<()> {
    let staff = who.is_staff();
    let wrong: Vec<_> = choices
        .iter()
        .filter(|(kind, _)| !kind.reaches(staff) || !kind.choosable())
        .map(|(kind, _)| {
            let why = if kind.reaches(staff) {
                format!("\"{}\" always reaches you in Steward and by email.", kind.label())
            } else {
                format!("\"{}\" is not news you can get.", kind.label())
            };
            steward_domain::intake::FieldError::new(format!("choices.{}", kind.as_str()), why)
        })
        .collect();
    if !wrong.is_empty() {
        return Err(AppError::InvalidArgument(wrong));
    }
    let now = core.now();
    let mut conn = core.pool.get().await?;
    let person_id = who.person_id;
    conn.transaction(async |conn| {
        for (kind, delivery) in choices {
            notifications::choose(conn, person_id, *kind, *delivery, now).await?;
        }
        Ok::<_, AppError>(())
    })
    .await
}

/// How `person_id` hears of each kind that can reach them (`staff` or not) and that they may
/// choose for: what they chose, else the default.
pub async fn choices(
    conn: &AsyncPgConnection,
    person_id: i64,
    staff: bool,
) -> AppResult<Vec<(NewsKind, Delivery, bool)>> {
    let chosen = notifications::choices_of(conn, person_id).await?;
    Ok(NewsKind::ALL
        .into_iter()
        .filter(|kind| kind.reaches(staff) && kind.choosable())
        .map(|kind| match chosen.get(&kind) {
            Some(delivery) => (kind, *delivery, true),
            None => (kind, notify::default_delivery(kind), false),
        })
        .collect())
}
