//! Configuration use cases, for admins: the request forms, how to get support, support
//! budgets, the support duty roster and the response templates. Each input arrives checked by
//! its channel (and by the domain where the domain has a rule, such as a form's edit).

use chrono::NaiveDate;
use steward_domain::authz;
use steward_domain::intake::{FieldError, FormSpec};
use steward_domain::{BudgetPeriod, RequestType};

use super::Core;
use crate::db::models::duty::{self, DutyPeriod};
use crate::db::models::support_policy::{self, SupportPolicy};
use crate::db::models::triage::{self, Template};
use crate::db::models::{forms, people};
use crate::error::{AppError, AppResult};
use steward_domain::facts::Principal;

fn require_configure(who: &Principal, what: &'static str) -> AppResult<()> {
    if authz::can_configure(who) { Ok(()) } else { Err(AppError::PermissionDenied(what)) }
}

/// PermissionDenied unless `who` may change budgets, the duty roster and templates.
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

/// Puts someone on the support team on duty from `starts_on` until `ends_on`.
pub async fn add_duty(
    core: &Core,
    who: &Principal,
    person_id: i64,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
) -> AppResult<DutyPeriod> {
    require_settings(who)?;
    let mut conn = core.pool.get().await?;
    let mut errors = Vec::new();
    match people::find(&mut conn, person_id).await? {
        Some(person) if person.staff_role.is_some() => {}
        _ => errors.push(FieldError::new("person_id", "Choose someone on the support team.")),
    }
    if ends_on <= starts_on {
        errors.push(FieldError::new("ends_on", "The duty must end after it starts."));
    }
    if !errors.is_empty() {
        return Err(AppError::InvalidArgument(errors));
    }
    let period = duty::add(&mut conn, person_id, starts_on, ends_on).await?;
    tracing::info!(person_id, %starts_on, %ends_on, "support duty added");
    Ok(period)
}

/// Removes a duty period; NotFound if there is none with `id`.
pub async fn remove_duty(core: &Core, who: &Principal, id: i64) -> AppResult<()> {
    require_settings(who)?;
    let mut conn = core.pool.get().await?;
    if duty::remove(&mut conn, id).await? { Ok(()) } else { Err(AppError::NotFound("duty period")) }
}

/// Saves a response template (its placeholders already checked by the domain).
pub async fn save_template(core: &Core, who: &Principal, template: &Template) -> AppResult<Template> {
    require_settings(who)?;
    let mut conn = core.pool.get().await?;
    let saved = triage::save_template(&mut conn, template, core.now()).await?;
    tracing::info!(key = saved.key, "response template saved");
    Ok(saved)
}
