//! `steward.v1.KeysService`: the support team's OpenPGP keys, each person's own key, and the keys
//! a text encrypted in the browser must be encrypted to. The checks are
//! `usecases::keys`' (and the domain's `openpgp::usable`).

use std::collections::HashMap;

use steward_proto::v1 as pb;
use steward_proto::v1::keys_service_server::KeysService;
use tonic::{Request, Response, Status};

use crate::AppState;
use crate::auth::caller;
use crate::convert::{person_ref_or_unknown, timestamp};
use crate::db::models::openpgp_keys::KeyRow;
use crate::db::models::people::{self, Person};
use crate::usecases;

/// The keys service.
pub struct KeysApi {
    pub state: AppState,
}

fn encode(key: &KeyRow, people: &HashMap<i64, Person>) -> pb::OpenPgpKey {
    pb::OpenPgpKey {
        fingerprint: key.fingerprint.clone(),
        user_id: key.user_id.clone(),
        armored: key.armored.clone(),
        expires_at: key.expires_at.map(timestamp),
        owner: key.person_id.map(|id| person_ref_or_unknown(id, people)),
        added_at: Some(timestamp(key.added_at)),
    }
}

impl KeysApi {
    /// `keys` as the API carries them, with their owners' names.
    async fn encode_all(&self, keys: &[KeyRow]) -> Result<Vec<pb::OpenPgpKey>, Status> {
        let owners: Vec<i64> = keys.iter().filter_map(|key| key.person_id).collect();
        let people = if owners.is_empty() {
            HashMap::new()
        } else {
            let conn = self.state.core.pool.get().await.map_err(crate::error::AppError::from)?;
            people::by_ids(&conn, &owners).await?
        };
        Ok(keys.iter().map(|key| encode(key, &people)).collect())
    }
}

#[tonic::async_trait]
impl KeysService for KeysApi {
    async fn list_team_keys(
        &self,
        _request: Request<pb::ListTeamKeysRequest>,
    ) -> Result<Response<pb::ListTeamKeysResponse>, Status> {
        // Public keys are public: the How to get support page shows them without sign-in.
        let keys = usecases::keys::team_keys(&self.state.core).await?;
        Ok(Response::new(pb::ListTeamKeysResponse { keys: self.encode_all(&keys).await? }))
    }

    async fn add_team_key(
        &self,
        request: Request<pb::AddTeamKeyRequest>,
    ) -> Result<Response<pb::AddTeamKeyResponse>, Status> {
        let caller = caller(&request)?;
        let key =
            usecases::keys::add_team_key(&self.state.core, caller.signed_in()?, &request.get_ref().armored).await?;
        Ok(Response::new(pb::AddTeamKeyResponse { key: Some(encode(&key, &HashMap::new())) }))
    }

    async fn retire_team_key(
        &self,
        request: Request<pb::RetireTeamKeyRequest>,
    ) -> Result<Response<pb::RetireTeamKeyResponse>, Status> {
        let caller = caller(&request)?;
        usecases::keys::retire_team_key(&self.state.core, caller.signed_in()?, &request.get_ref().fingerprint).await?;
        Ok(Response::new(pb::RetireTeamKeyResponse {}))
    }

    async fn get_my_key(
        &self,
        request: Request<pb::GetMyKeyRequest>,
    ) -> Result<Response<pb::GetMyKeyResponse>, Status> {
        let caller = caller(&request)?;
        let key = usecases::keys::own_key(&self.state.core, caller.signed_in()?).await?;
        let key = match key {
            Some(key) => self.encode_all(&[key]).await?.pop(),
            None => None,
        };
        Ok(Response::new(pb::GetMyKeyResponse { key }))
    }

    async fn set_my_key(
        &self,
        request: Request<pb::SetMyKeyRequest>,
    ) -> Result<Response<pb::SetMyKeyResponse>, Status> {
        let caller = caller(&request)?;
        let key =
            usecases::keys::set_own_key(&self.state.core, caller.signed_in()?, &request.get_ref().armored).await?;
        Ok(Response::new(pb::SetMyKeyResponse { key: self.encode_all(&[key]).await?.pop() }))
    }

    async fn remove_my_key(
        &self,
        request: Request<pb::RemoveMyKeyRequest>,
    ) -> Result<Response<pb::RemoveMyKeyResponse>, Status> {
        let caller = caller(&request)?;
        usecases::keys::remove_own_key(&self.state.core, caller.signed_in()?).await?;
        Ok(Response::new(pb::RemoveMyKeyResponse {}))
    }

    async fn get_sealing_keys(
        &self,
        request: Request<pb::GetSealingKeysRequest>,
    ) -> Result<Response<pb::GetSealingKeysResponse>, Status> {
        let caller = caller(&request)?;
        let (ticket, internal) = (request.get_ref().ticket_number, request.get_ref().internal);
        let keys = usecases::keys::sealing_keys(&self.state.core, caller.signed_in()?, ticket, internal).await?;
        Ok(Response::new(pb::GetSealingKeysResponse { keys: self.encode_all(&keys).await? }))
    }
}
