//! Directory use cases: communities and who belongs to them. Only admins may (or Steward
//! itself, for `steward admin` at the server's console); a membership change is recorded for
//! the person's open live streams, which reload their rights.

use steward_domain::MembershipRole;
use steward_domain::authz;

use super::tickets::may;
use super::{Actor, Core};
use crate::db::models::communities::{self, Community};
use crate::db::models::people;
use crate::error::{AppError, AppResult};

const ADMINS_ONLY: &str = "Only admins can manage communities and people.";

/// Creates a community (slug and name already checked by the channel).
pub async fn create_community(core: &Core, actor: Actor<'_>, slug: &str, name: &str) -> AppResult<Community> {
    if !may(actor, authz::can_administer) {
        return Err(AppError::PermissionDenied(ADMINS_ONLY));
    }
    let mut conn = core.pool.get().await?;
    let community = communities::insert(&mut conn, slug, name).await?;
    tracing::info!(community_id = community.id, slug, "community created");
    Ok(community)
}

/// Gives `person_id` `role` in `community_id`, or changes their role there.
pub async fn set_membership(
    core: &Core,
    actor: Actor<'_>,
    person_id: i64,
    community_id: i64,
    role: MembershipRole,
) -> AppResult<()> {
    if !may(actor, authz::can_administer) {
        return Err(AppError::PermissionDenied(ADMINS_ONLY));
    }
    let mut conn = core.pool.get().await?;
    if people::find(&mut conn, person_id).await?.is_none() {
        return Err(AppError::invalid("person_id", "There is no such person."));
    }
    if communities::find(&mut conn, community_id).await?.is_none() {
        return Err(AppError::invalid("community_id", "There is no such community."));
    }
    people::set_membership(&mut conn, person_id, community_id, role).await?;
    core.live.access_changed(person_id);
    Ok(())
}

/// Takes `person_id` out of `community_id`; NotFound if they were not in it.
pub async fn remove_membership(core: &Core, actor: Actor<'_>, person_id: i64, community_id: i64) -> AppResult<()> {
    if !may(actor, authz::can_administer) {
        return Err(AppError::PermissionDenied(ADMINS_ONLY));
    }
    let mut conn = core.pool.get().await?;
    if !people::remove_membership(&mut conn, person_id, community_id).await? {
        return Err(AppError::NotFound("membership"));
    }
    core.live.access_changed(person_id);
    Ok(())
}
