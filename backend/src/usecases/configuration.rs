//! Configuration use cases, for admins: the request forms, how to get support, support
//! budgets, the support rotation and the response templates. Each input arrives checked by
//! its channel (and by the domain where the domain has a rule, such as a form's edit).

use chrono::NaiveDate;
use steward_domain::authz;
use steward_domain::intake::{FieldError, FormSpec};
use steward_domain::rotation::Override;
use steward_domain::{BudgetPeriod, RequestType};

use super::Core;
use crate::db::models::rotation::{self, StoredOverride};
use crate::db::models::support_policy::{self, SupportPolicy};
use crate::db::models::triage::{self, Template};
use crate::db::models::{forms, people};
use crate::error::{AppError, AppResult};
use steward_domain::facts::Principal;

fn require_configure(who: &Principal, what: &'static str) -> AppResult<()> {
    if authz::can_configure(who) { Ok(()) } else { Err(AppError::PermissionDenied(what)) }
}

/// PermissionDenied unless `who` may change budgets, the rotation and templates.
pub(crate) fn require_settings(who: &Principal) -> AppResult<()> {
    require_configure(who, SETTINGS_ADMINS_ONLY)
}

const FORMS_ADMINS_ONLY: &str = "Only an admin can change the request forms.";
const SETTINGS_ADMINS_ONLY: &str = "Only an admin can change budgets and response templates.";

/// Saves an admin's edit of a request type's form; it applies to requests filed from now on.
pub async fn save_form(core: &Core, who: &Principal, form: &FormSpec) -> AppResult<()> {
    require_configure(who, FORMS_ADMINS_ONLY)?;
    let mut conn = core.pool.get().await?;
    forms::save(&mut conn, form, who.person_id, core.now()).await?;
    tracing::info!(person_id = who.person_id, request_type = form.request_type.as_str(), "request form edited");
    Ok(())
}

/// Restores the form Steward ships for `request_type`.
pub async fn reset_form(core: &Core, who: &Principal, request_type: RequestType) -> AppResult<()> {
    require_configure(who, FORMS_ADMINS_ONLY)?;
    let mut conn = core.pool.get().await?;
    forms::reset(&mut conn, request_type).await
}

/// Sets how to get support and the security route, as the public pages show them.
pub async fn set_policy(core: &Core, who: &Principal, policy: &SupportPolicy) -> AppResult<SupportPolicy> {
    require_configure(who, "Only an admin can change how to get support.")?;
    let mut conn = core.pool.get().await?;
    let saved = support_policy::set(&mut conn, policy, core.now()).await?;
    tracing::info!(person_id = who.person_id, "support policy changed");
    Ok(saved)
}

/// Sets a community's support budget: hours per period, or none.
pub async fn set_budget(
    core: &Core,
    who: &Principal,
    community_id: i64,
    hours: Option<i32>,
    period: BudgetPeriod,
) -> AppResult<()> {
    require_settings(who)?;
    let mut conn = core.pool.get().await?;
    if !triage::set_budget(&mut conn, community_id, hours, period).await? {
        return Err(AppError::invalid("community_id", "There is no such community."));
    }
    tracing::info!(community_id, hours, "support budget set");
    Ok(())
}

/// Sets who is in the support rotation, from when, and how many are on duty at once.
pub async fn set_rotation(
    core: &Core,
    who: &Principal,
    members: &[i64],
    starts_on: NaiveDate,
    on_duty: i16,
) -> AppResult<()> {
    require_settings(who)?;
    let conn = core.pool.get().await?;
    let mut errors = Vec::new();
    let staff: Vec<i64> = people::list_staff(&conn).await?.iter().map(|p| p.id).collect();
    for (i, id) in members.iter().enumerate() {
        if !staff.contains(id) {
            errors.push(FieldError::new(
                format!("member_ids.{i}"),
                "Only people on the support team can be in the rotation.",
            ));
        }
    }
    if !(1..=10).contains(&on_duty) {
        errors.push(FieldError::new("on_duty_count", "Between 1 and 10 people are on duty at once."));
    }
    if !errors.is_empty() {
        return Err(AppError::InvalidArgument(errors));
    }
    rotation::set(&conn, starts_on, on_duty, members).await?;
    tracing::info!(members = members.len(), %starts_on, on_duty, "support rotation set");
    Ok(())
}

/// Records a swap, an absence or cover for a range of days.
pub async fn add_override(core: &Core, who: &Principal, rule: Override, note: &str) -> AppResult<StoredOverride> {
    require_settings(who)?;
    let conn = core.pool.get().await?;
    let staff: Vec<i64> = people::list_staff(&conn).await?.iter().map(|p| p.id).collect();
    let mut errors = Vec::new();
    if rule.ends_on <= rule.starts_on {
        errors.push(FieldError::new("ends_on", "The last day comes on or after the first."));
    }
    if rule.off.is_none() && rule.on.is_none() {
        errors.push(FieldError::new("off_person_id", "Say who is off duty, who is on duty, or both."));
    }
    if rule.off.is_some() && rule.off == rule.on {
        errors.push(FieldError::new("on_person_id", "Someone else covers for them."));
    }
    for (field, person) in [("off_person_id", rule.off), ("on_person_id", rule.on)] {
        if person.is_some_and(|id| !staff.contains(&id)) {
            errors.push(FieldError::new(field, "Choose someone on the support team."));
        }
    }
    if note.chars().count() > 500 {
        errors.push(FieldError::new("note", "Keep the note under 500 characters."));
    }
    if !errors.is_empty() {
        return Err(AppError::InvalidArgument(errors));
    }
    let saved = rotation::add_override(&conn, &rule, note.trim(), core.now()).await?;
    tracing::info!(id = saved.id, "rotation override added");
    Ok(saved)
}

/// Removes an override; NotFound if there is none with `id`.
pub async fn remove_override(core: &Core, who: &Principal, id: i64) -> AppResult<()> {
    require_settings(who)?;
    let conn = core.pool.get().await?;
    if rotation::remove_override(&conn, id).await? { Ok(()) } else { Err(AppError::NotFound("override")) }
}

/// Saves a response template (its placeholders already checked by the domain).
pub async fn save_template(core: &Core, who: &Principal, template: &Template) -> AppResult<Template> {
    require_settings(who)?;
    let mut conn = core.pool.get().await?;
    let saved = triage::save_template(&mut conn, template, core.now()).await?;
    tracing::info!(key = saved.key, "response template saved");
    Ok(saved)
}
