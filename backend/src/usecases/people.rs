//! People use cases: creating a person and changing their staff role (from the API and from
//! `steward admin`). A change of staff role ends the person's sessions: they sign in again and
//! get a new token for their new rights (a token is never carried across a change of rights).

use steward_domain::StaffRole;
use steward_domain::authz;
use steward_domain::facts::Principal;
use steward_domain::intake::looks_like_email;

use super::tickets::may;
use super::{Actor, Core};
use crate::credentials;
use crate::db::models::people::{self, StaffRoleChange};
use crate::error::{AppError, AppResult};

/// A name for people or communities: 1 to 200 characters after trimming.
pub fn check_name(field: &'static str, name: &str) -> AppResult<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AppError::invalid(field, "Use 1 to 200 characters."));
    }
    Ok(name.to_owned())
}

/// A community slug: lower-case letters, digits and dashes, starting with a letter or digit.
pub fn check_slug(slug: &str) -> AppResult<()> {
    let valid = !slug.is_empty()
        && slug.len() <= 63
        && !slug.starts_with('-')
        && slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if valid {
        Ok(())
    } else {
        Err(AppError::invalid("slug", "Use 1 to 63 lower-case letters, digits and dashes, not starting with a dash."))
    }
}

/// Creates a person who signs in with `password`; AlreadyExists (naming `email`) if the
/// address is taken.
pub async fn create_person(
    core: &Core,
    email: &str,
    display_name: &str,
    password: &str,
    staff_role: Option<StaffRole>,
) -> AppResult<people::Person> {
    let email = people::normalize_email(email);
    if !looks_like_email(&email) {
        return Err(AppError::invalid("email", "Enter an email address such as name@example.org."));
    }
    let display_name = check_name("display_name", display_name)?;
    credentials::check_new_password(password)?;
    let hash = credentials::hashed_in_turn(password.to_owned()).await?;
    let mut conn = core.pool.get().await?;
    people::insert(
        &mut conn,
        people::NewPerson { email: &email, display_name: &display_name, password_hash: &hash, staff_role },
    )
    .await
}

/// Gives `person_id` the staff role `role` (none: takes them off the staff); admins only. Ends
/// every session the person holds (their open streams end with Unauthenticated) and returns
/// how many; setting the role they already have changes nothing. Refused if they are the last
/// admin and would stop being one.
pub async fn set_staff_role(
    core: &Core,
    actor: Actor<'_>,
    person_id: i64,
    role: Option<StaffRole>,
) -> AppResult<usize> {
    if !may(actor, authz::can_administer) {
        return Err(AppError::PermissionDenied("Only admins can change who is on the support staff."));
    }
    let mut conn = core.pool.get().await?;
    let sessions_ended = match people::set_staff_role(&mut conn, person_id, role).await? {
        StaffRoleChange::Changed { sessions_ended } => sessions_ended,
        StaffRoleChange::Unchanged => 0,
        StaffRoleChange::NoSuchPerson => return Err(AppError::invalid("person_id", "There is no such person.")),
        StaffRoleChange::LastAdmin => return Err(AppError::LastAdmin),
    };
    core.live.access_changed(person_id);
    tracing::info!(person_id, role = role.map(StaffRole::as_str), sessions_ended, "staff role set");
    Ok(sessions_ended)
}

/// Sets the zone `who`'s times are shown in: an IANA name, or empty for their browser's.
pub async fn set_time_zone(core: &Core, who: &Principal, zone: &str) -> AppResult<()> {
    let zone = zone.trim();
    if !zone.is_empty() && !steward_domain::calendar::is_time_zone(zone) {
        return Err(AppError::invalid(
            "time_zone",
            format!("\u{201c}{zone}\u{201d} is not a time zone; choose one from the list, such as Europe/Brussels."),
        ));
    }
    let mut conn = core.pool.get().await?;
    people::set_time_zone(&mut conn, who.person_id, Some(zone).filter(|z| !z.is_empty())).await?;
    Ok(())
}
