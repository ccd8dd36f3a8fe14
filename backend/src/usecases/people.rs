//! People use cases: creating a person (from the API and from `steward admin`).

use steward_domain::StaffRole;
use steward_domain::intake::looks_like_email;

use super::Core;
use crate::credentials;
use crate::db::models::people;
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
    let password = password.to_owned();
    let hash = tokio::task::spawn_blocking(move || credentials::hash_password(&password))
        .await
        .map_err(AppError::internal)??;
    let mut conn = core.pool.get().await?;
    people::insert(
        &mut conn,
        people::NewPerson { email: &email, display_name: &display_name, password_hash: &hash, staff_role },
    )
    .await
}
