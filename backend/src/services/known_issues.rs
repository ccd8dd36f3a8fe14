//! `steward.v1.KnownIssuesService`: public knowledge (seed 000), readable without signing in.
//! Every read goes through [`known_issues`], which applies [`steward_domain::authz::is_public_knowledge`]
//! in SQL. Messages here have no field for anything private, so nothing private can leak
//! through them.

use steward_proto::v1 as pb;
use steward_proto::v1::known_issues_service_server::KnownIssuesService;
use tonic::{Request, Response, Status};

use crate::AppState;
use crate::auth::caller;
use crate::convert;
use crate::db::models::known_issues::{self, KnownIssue};
use crate::db::models::triage;
use crate::error::{AppError, AppResult};
use crate::markdown;
use steward_domain::{Priority, RequestType, TicketState, similar};

const LIST_LIMIT: i64 = 50;
const SUGGESTION_LIMIT: i64 = 5;
/// Longer texts are cut before searching: the first words say what a request is about.
const SUGGEST_MAX_CHARS: usize = 2_000;

pub struct KnownIssuesApi {
    pub state: AppState,
}

fn encode(issue: &KnownIssue) -> pb::KnownIssue {
    pb::KnownIssue {
        number: issue.number,
        title: issue.title.clone(),
        description: issue.description.clone(),
        community: issue.community.clone(),
        request_type: RequestType::parse(&issue.request_type).map_or(0, |t| convert::request_type_to_pb(t) as i32),
        priority: Priority::parse(&issue.priority).map_or(0, |p| convert::priority_to_pb(p) as i32),
        state: TicketState::parse(&issue.state).map_or(0, |s| convert::state_to_pb(s) as i32),
        created_at: Some(convert::timestamp(issue.created_at)),
        updated_at: Some(convert::timestamp(issue.updated_at)),
        resolved_at: issue.resolved_at.map(convert::timestamp),
        released_in: issue.released_in.clone(),
    }
}

fn truncated(text: &str) -> &str {
    match text.char_indices().nth(SUGGEST_MAX_CHARS) {
        Some((at, _)) => &text[..at],
        None => text,
    }
}

impl KnownIssuesApi {
    async fn list(&self, text: &str) -> AppResult<Vec<pb::KnownIssue>> {
        let mut conn = self.state.core.pool.get().await?;
        let found = match similar::query(truncated(text), "") {
            None => known_issues::recent(&mut conn, LIST_LIMIT).await?,
            Some(query) => known_issues::search(&mut conn, &query, LIST_LIMIT).await?,
        };
        Ok(found.iter().map(encode).collect())
    }

    async fn get(&self, number: i64) -> AppResult<pb::GetKnownIssueResponse> {
        let mut conn = self.state.core.pool.get().await?;
        let issue = known_issues::find(&mut conn, number).await?.ok_or(AppError::NotFound("public ticket"))?;
        let replies = known_issues::replies(&mut conn, issue.number).await?;
        let links = triage::links_of(&mut conn, issue.number).await?;
        Ok(pb::GetKnownIssueResponse {
            description_html: markdown::to_html(&issue.description),
            issue: Some(encode(&issue)),
            replies: replies
                .into_iter()
                .map(|r| pb::PublicReply {
                    author: r.author,
                    from_support: r.from_support,
                    body_html: markdown::to_html(&r.body),
                    body: r.body,
                    created_at: Some(convert::timestamp(r.created_at)),
                })
                .collect(),
            links: links.into_iter().map(|l| pb::PublicLink { url: l.url, title: l.title }).collect(),
        })
    }

    async fn suggest(&self, title: &str, description: &str) -> AppResult<Vec<pb::KnownIssue>> {
        let Some(query) = similar::query(truncated(title), truncated(description)) else {
            return Ok(Vec::new());
        };
        let mut conn = self.state.core.pool.get().await?;
        let found = known_issues::search(&mut conn, &query, SUGGESTION_LIMIT).await?;
        Ok(found.iter().map(encode).collect())
    }
}

#[tonic::async_trait]
impl KnownIssuesService for KnownIssuesApi {
    async fn list_known_issues(
        &self,
        request: Request<pb::ListKnownIssuesRequest>,
    ) -> Result<Response<pb::ListKnownIssuesResponse>, Status> {
        if !request.get_ref().text.trim().is_empty() {
            self.state.limiter.search(&caller(&request)?.address)?;
        }
        let issues = self.list(&request.get_ref().text).await?;
        Ok(Response::new(pb::ListKnownIssuesResponse { issues }))
    }

    async fn get_known_issue(
        &self,
        request: Request<pb::GetKnownIssueRequest>,
    ) -> Result<Response<pb::GetKnownIssueResponse>, Status> {
        Ok(Response::new(self.get(request.get_ref().number).await?))
    }

    async fn suggest_similar(
        &self,
        request: Request<pb::SuggestSimilarRequest>,
    ) -> Result<Response<pb::SuggestSimilarResponse>, Status> {
        self.state.limiter.search(&caller(&request)?.address)?;
        let request = request.into_inner();
        let suggestions = self.suggest(&request.title, &request.description).await?;
        Ok(Response::new(pb::SuggestSimilarResponse { suggestions }))
    }
}
