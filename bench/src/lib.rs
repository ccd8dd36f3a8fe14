//! What the benchmark and the soak share: a signed-in channel, percentiles, the server's memory.

use anyhow::Context;
use steward_proto::v1 as pb;
use steward_proto::v1::auth_service_client::AuthServiceClient;
use tonic::codegen::InterceptedService;
use tonic::service::Interceptor;
use tonic::transport::{Channel, Endpoint};

/// Sends the session cookie on every call.
#[derive(Clone)]
pub struct Session(tonic::metadata::MetadataValue<tonic::metadata::Ascii>);

impl Session {
    /// The cookie, as a `Cookie` header sends it (for the file door, which is plain HTTP).
    pub fn cookie(&self) -> &str {
        self.0.to_str().unwrap_or_default()
    }
}

impl Interceptor for Session {
    fn call(&mut self, mut request: tonic::Request<()>) -> Result<tonic::Request<()>, tonic::Status> {
        request.metadata_mut().insert("cookie", self.0.clone());
        Ok(request)
    }
}

pub type Authed = InterceptedService<Channel, Session>;

pub async fn connect(url: &str) -> anyhow::Result<Channel> {
    Ok(Endpoint::from_shared(url.to_owned())?.tcp_nodelay(true).connect().await?)
}

/// Signs in on `channel`; returns the session cookie to send.
pub async fn sign_in(channel: Channel, email: &str, password: &str) -> anyhow::Result<Session> {
    let response = AuthServiceClient::new(channel)
        .sign_in(pb::SignInRequest { email: email.into(), password: password.into() })
        .await
        .context("signing in")?;
    let cookie = response
        .metadata()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .context("sign-in set no cookie")?
        .to_owned();
    Ok(Session(cookie.parse()?))
}

/// The `p` quantile (0 to 1) of `sorted`.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let index = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[index]
}

/// The resident memory of process `pid`.
pub fn rss_kib(pid: u32) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).context("no VmRSS")?;
    Ok(line.split_whitespace().nth(1).context("VmRSS value")?.parse()?)
}
