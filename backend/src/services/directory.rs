//! `steward.v1.DirectoryService`: communities, people and memberships.

use steward_proto::v1 as pb;
use steward_proto::v1::directory_service_server::DirectoryService;
use tonic::{Request, Response, Status};

use crate::AppState;
use crate::auth::caller;
use crate::convert;
use crate::db::models::{communities, people};
use crate::error::{AppError, AppResult};
use crate::usecases::{self, Actor};
use steward_domain::authz;
use steward_domain::facts::Principal;

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

impl DirectoryApi {
    async fn person_message(&self, person_id: i64) -> AppResult<pb::Person> {
        let mut conn = self.state.core.pool.get().await?;
        let person = people::find(&mut conn, person_id).await?.ok_or(AppError::NotFound("person"))?;
        let memberships = people::memberships_of(&mut conn, &[person_id]).await?;
        Ok(convert::person(&person, &memberships))
    }
}

#[tonic::async_trait]
impl DirectoryService for DirectoryApi {
    async fn set_my_time_zone(
        &self,
        request: Request<pb::SetMyTimeZoneRequest>,
    ) -> Result<Response<pb::SetMyTimeZoneResponse>, Status> {
        let caller = caller(&request)?;
        let who = caller.signed_in()?;
        usecases::people::set_time_zone(&self.state.core, who, &request.get_ref().time_zone).await?;
        Ok(Response::new(pb::SetMyTimeZoneResponse { person: Some(self.person_message(who.person_id).await?) }))
    }

    async fn list_communities(
        &self,
        request: Request<pb::ListCommunitiesRequest>,
    ) -> Result<Response<pb::ListCommunitiesResponse>, Status> {
        let caller = caller(&request)?;
        let principal = caller.signed_in()?;
        let mut conn = self.state.core.pool.get().await.map_err(AppError::from)?;
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
        usecases::people::check_slug(slug)?;
        let name = usecases::people::check_name("name", &request.name)?;
        let who = caller.signed_in()?;
        let community =
            usecases::directory::create_community(&self.state.core, Actor::Person(who), slug, &name).await?;
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
        let person = usecases::people::create_person(
            &self.state.core,
            &request.email,
            &request.display_name,
            &request.password,
            staff_role,
        )
        .await?;
        Ok(Response::new(pb::CreatePersonResponse { person: Some(convert::person(&person, &[])) }))
    }

    async fn list_people(
        &self,
        request: Request<pb::ListPeopleRequest>,
    ) -> Result<Response<pb::ListPeopleResponse>, Status> {
        let caller = caller(&request)?;
        require_admin(caller.signed_in()?)?;
        let mut conn = self.state.core.pool.get().await.map_err(AppError::from)?;
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
        let who = Actor::Person(caller.signed_in()?);
        usecases::directory::set_membership(&self.state.core, who, request.person_id, request.community_id, role)
            .await?;
        Ok(Response::new(pb::SetMembershipResponse { person: Some(self.person_message(request.person_id).await?) }))
    }

    async fn remove_membership(
        &self,
        request: Request<pb::RemoveMembershipRequest>,
    ) -> Result<Response<pb::RemoveMembershipResponse>, Status> {
        let caller = caller(&request)?;
        require_admin(caller.signed_in()?)?;
        let request = request.into_inner();
        let who = Actor::Person(caller.signed_in()?);
        usecases::directory::remove_membership(&self.state.core, who, request.person_id, request.community_id).await?;
        Ok(Response::new(pb::RemoveMembershipResponse { person: Some(self.person_message(request.person_id).await?) }))
    }

    async fn set_staff_role(
        &self,
        request: Request<pb::SetStaffRoleRequest>,
    ) -> Result<Response<pb::SetStaffRoleResponse>, Status> {
        let caller = caller(&request)?;
        let who = Actor::Person(caller.signed_in()?);
        let request = request.into_inner();
        let role = convert::staff_role_from_pb(request.staff_role)?;
        let ended = usecases::people::set_staff_role(&self.state.core, who, request.person_id, role).await?;
        Ok(Response::new(pb::SetStaffRoleResponse {
            person: Some(self.person_message(request.person_id).await?),
            sessions_ended: u32::try_from(ended).unwrap_or(u32::MAX),
        }))
    }

    async fn list_staff(
        &self,
        request: Request<pb::ListStaffRequest>,
    ) -> Result<Response<pb::ListStaffResponse>, Status> {
        let caller = caller(&request)?;
        if !authz::can_list_staff(caller.signed_in()?) {
            return Err(AppError::PermissionDenied("Only the support team can see who is on it.").into());
        }
        let conn = self.state.core.pool.get().await.map_err(AppError::from)?;
        let staff = people::list_staff(&conn).await?;
        Ok(Response::new(pb::ListStaffResponse { staff: staff.iter().map(convert::person_ref).collect() }))
    }
}
