//! `steward.v1.DirectoryService`: communities, people and memberships.

use steward_proto::v1 as pb;
use steward_proto::v1::directory_service_server::DirectoryService;
use tonic::{Request, Response, Status};

use super::convert;
use crate::AppState;
use crate::auth::{self, caller};
use crate::db::models::{communities, people};
use crate::error::{AppError, AppResult};
use steward_domain::authz;
use steward_domain::authz::Principal;
use steward_domain::intake::looks_like_email;

/// The directory service.
pub struct DirectoryApi {
    pub state: AppState,
}

fn require_admin(principal: &Principal) -> AppResult<()> {
    if authz::can_administer(principal) {
        Ok(())
    } else {
        Err(AppError::PermissionDenied("Only admins can manage communities and people."))
    }
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

/// A name for people or communities: 1 to 200 characters after trimming.
pub fn check_name(field: &'static str, name: &str) -> AppResult<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AppError::invalid(field, "Use 1 to 200 characters."));
    }
    Ok(name.to_owned())
}

/// Creates a person (shared by the API and `steward admin`).
pub async fn create_person(
    state: &AppState,
    email: &str,
    display_name: &str,
    password: &str,
    staff_role: Option<steward_domain::StaffRole>,
) -> AppResult<people::Person> {
    let email = people::normalize_email(email);
    if !looks_like_email(&email) {
        return Err(AppError::invalid("email", "Enter an email address such as name@example.org."));
    }
    let display_name = check_name("display_name", display_name)?;
    auth::check_new_password(password)?;
    let password = password.to_owned();
    let hash =
        tokio::task::spawn_blocking(move || auth::hash_password(&password)).await.map_err(AppError::internal)??;
    let mut conn = state.pool.get().await?;
    people::insert(
        &mut conn,
        people::NewPerson { email: &email, display_name: &display_name, password_hash: &hash, staff_role },
    )
    .await
}

impl DirectoryApi {
    async fn person_message(&self, person_id: i64) -> AppResult<pb::Person> {
        let mut conn = self.state.pool.get().await?;
        let person = people::find(&mut conn, person_id).await?.ok_or(AppError::NotFound("person"))?;
        let memberships = people::memberships_of(&mut conn, &[person_id]).await?;
        Ok(convert::person(&person, &memberships))
    }
}

#[tonic::async_trait]
impl DirectoryService for DirectoryApi {
    async fn list_communities(
        &self,
        request: Request<pb::ListCommunitiesRequest>,
    ) -> Result<Response<pb::ListCommunitiesResponse>, Status> {
        let caller = caller(&request)?;
        let principal = caller.signed_in()?;
        let mut conn = self.state.pool.get().await.map_err(AppError::from)?;
        let list = match authz::visible_communities(principal) {
            None => communities::list_all(&mut conn).await?,
            Some(ids) => communities::list_by_ids(&conn, &ids).await?,
        };
        Ok(Response::new(pb::ListCommunitiesResponse { communities: list.iter().map(convert::community).collect() }))
    }

    async fn create_community(
        &self,
        request: Request<pb::CreateCommunityRequest>,
    ) -> Result<Response<pb::CreateCommunityResponse>, Status> {
        let caller = caller(&request)?;
        require_admin(caller.signed_in()?)?;
        let request = request.into_inner();
        let slug = request.slug.trim();
        check_slug(slug)?;
        let name = check_name("name", &request.name)?;
        let mut conn = self.state.pool.get().await.map_err(AppError::from)?;
        let community = communities::insert(&mut conn, slug, &name).await?;
        Ok(Response::new(pb::CreateCommunityResponse { community: Some(convert::community(&community)) }))
    }

    async fn create_person(
        &self,
        request: Request<pb::CreatePersonRequest>,
    ) -> Result<Response<pb::CreatePersonResponse>, Status> {
        let caller = caller(&request)?;
        require_admin(caller.signed_in()?)?;
        let request = request.into_inner();
        let staff_role = convert::staff_role_from_pb(request.staff_role)?;
        let person =
            create_person(&self.state, &request.email, &request.display_name, &request.password, staff_role).await?;
        Ok(Response::new(pb::CreatePersonResponse { person: Some(convert::person(&person, &[])) }))
    }

    async fn list_people(
        &self,
        request: Request<pb::ListPeopleRequest>,
    ) -> Result<Response<pb::ListPeopleResponse>, Status> {
        let caller = caller(&request)?;
        require_admin(caller.signed_in()?)?;
        let mut conn = self.state.pool.get().await.map_err(AppError::from)?;
        let everyone = people::list_all(&mut conn).await?;
        let ids: Vec<i64> = everyone.iter().map(|p| p.id).collect();
        let memberships = people::memberships_of(&mut conn, &ids).await?;
        let people = everyone.iter().map(|p| convert::person(p, &memberships)).collect();
        Ok(Response::new(pb::ListPeopleResponse { people }))
    }

    async fn set_membership(
        &self,
        request: Request<pb::SetMembershipRequest>,
    ) -> Result<Response<pb::SetMembershipResponse>, Status> {
        let caller = caller(&request)?;
        require_admin(caller.signed_in()?)?;
        let request = request.into_inner();
        let role = convert::membership_role_from_pb(request.role)?;
        let mut conn = self.state.pool.get().await.map_err(AppError::from)?;
        if people::find(&mut conn, request.person_id).await?.is_none() {
            return Err(AppError::invalid("person_id", "There is no such person.").into());
        }
        if communities::find(&mut conn, request.community_id).await?.is_none() {
            return Err(AppError::invalid("community_id", "There is no such community.").into());
        }
        people::set_membership(&mut conn, request.person_id, request.community_id, role).await?;
        self.state.live.committed();
        drop(conn);
        Ok(Response::new(pb::SetMembershipResponse { person: Some(self.person_message(request.person_id).await?) }))
    }

    async fn remove_membership(
        &self,
        request: Request<pb::RemoveMembershipRequest>,
    ) -> Result<Response<pb::RemoveMembershipResponse>, Status> {
        let caller = caller(&request)?;
        require_admin(caller.signed_in()?)?;
        let request = request.into_inner();
        let mut conn = self.state.pool.get().await.map_err(AppError::from)?;
        if !people::remove_membership(&mut conn, request.person_id, request.community_id).await? {
            return Err(AppError::NotFound("membership").into());
        }
        self.state.live.committed();
        drop(conn);
        Ok(Response::new(pb::RemoveMembershipResponse { person: Some(self.person_message(request.person_id).await?) }))
    }

    async fn list_staff(
        &self,
        request: Request<pb::ListStaffRequest>,
    ) -> Result<Response<pb::ListStaffResponse>, Status> {
        let caller = caller(&request)?;
        if !authz::can_list_staff(caller.signed_in()?) {
            return Err(AppError::PermissionDenied("Only the support team can see who is on it.").into());
        }
        let mut conn = self.state.pool.get().await.map_err(AppError::from)?;
        let staff = people::list_staff(&mut conn).await?;
        Ok(Response::new(pb::ListStaffResponse { staff: staff.iter().map(convert::person_ref).collect() }))
    }
}
