//! `TestApp` runs the production wiring (`server::serve`) on a free port against a fresh
//! database; `Client` is a signed-in (or anonymous) caller holding the generated clients.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use steward_backend::clock::ManualClock;
use steward_backend::config::Config;
use steward_backend::db::models::{communities, people};
use steward_backend::{AppState, server};
use steward_domain::{MembershipRole, StaffRole};
use steward_proto::v1 as pb;
use steward_proto::v1::auth_service_client::AuthServiceClient;
use steward_proto::v1::board_service_client::BoardServiceClient;
use steward_proto::v1::directory_service_client::DirectoryServiceClient;
use steward_proto::v1::incident_service_client::IncidentServiceClient;
use steward_proto::v1::intake_service_client::IntakeServiceClient;
use steward_proto::v1::keys_service_client::KeysServiceClient;
use steward_proto::v1::known_issues_service_client::KnownIssuesServiceClient;
use steward_proto::v1::live_service_client::LiveServiceClient;
use steward_proto::v1::mail_service_client::MailServiceClient;
use steward_proto::v1::paging_service_client::PagingServiceClient;
use steward_proto::v1::service_level_service_client::ServiceLevelServiceClient;
use steward_proto::v1::ticket_service_client::TicketServiceClient;
use steward_proto::v1::triage_service_client::TriageServiceClient;
use steward_proto::v1::webhook_service_client::WebhookServiceClient;
use tokio_util::sync::CancellationToken;
use tonic::codegen::InterceptedService;
use tonic::service::Interceptor;
use tonic::transport::Channel;

use super::test_db::TestDatabase;

/// Where the files of the test database `database_url` names are kept.
pub fn files_dir(database_url: &str) -> String {
    let parsed = url::Url::parse(database_url).expect("a database URL");
    let database = parsed.path().trim_start_matches('/');
    format!("{}/files/{database}", env!("CARGO_TARGET_TMPDIR"))
}

/// The password of every person the fixtures create.
pub const PASSWORD: &str = "test-password-123";

/// One running Steward with its own database.
pub struct TestApp {
    pub addr: SocketAddr,
    pub state: AppState,
    /// The server's clock: it follows the system clock until a test sets or advances it.
    pub clock: Arc<ManualClock>,
    stop: CancellationToken,
    pub server: tokio::task::JoinHandle<anyhow::Result<()>>,
    pub database_url: String,
    // Last: dropped after the server is told to stop. `None` for a second server on another's
    // database.
    _db: Option<TestDatabase>,
}

impl TestApp {
    /// Starts Steward on 127.0.0.1 with a fresh database.
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with(&[]).await
    }

    /// Like [`TestApp::spawn`], with these settings in the environment it reads.
    pub async fn spawn_with(settings: &[(&str, &str)]) -> TestApp {
        steward_backend::telemetry::init_for_test();
        let db = TestDatabase::new().await;
        let url = db.url.clone();
        let mut app = TestApp::start(url, settings).await;
        app._db = Some(db);
        app
    }

    /// Starts another server process's worth of Steward on this one's database, as a second
    /// replica would run.
    pub async fn spawn_beside(&self) -> TestApp {
        TestApp::start(self.database_url.clone(), &[]).await
    }

    /// Starts Steward on `database_url`, a database already migrated.
    pub async fn spawn_on(database_url: String) -> TestApp {
        TestApp::start(database_url, &[]).await
    }

    async fn start(database_url: String, settings: &[(&str, &str)]) -> TestApp {
        let url = database_url.clone();
        let settings: Vec<(String, String)> = settings.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let config = Config::from_lookup(move |name| match name {
            "DATABASE_URL" => Some(url.clone()),
            "STEWARD_STATIC_DIR" => Some(env!("CARGO_MANIFEST_DIR").to_owned() + "/tests/it/static"),
            // One file store per database: a second server on the same database shares it.
            "STEWARD_FILES" if !settings.iter().any(|(key, _)| key == name) => Some(files_dir(&url)),
            "STEWARD_JOBS_EVERY_MS" if !settings.iter().any(|(key, _)| key == name) => Some("50".to_owned()),
            _ => settings.iter().find(|(key, _)| key == name).map(|(_, value)| value.clone()),
        })
        .expect("test config");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let clock = ManualClock::new();
        let state = server::state(config, clock.clone(), CancellationToken::new()).await.expect("state");
        let stop = CancellationToken::new();
        let stopped = stop.clone();
        let server = tokio::spawn(server::serve(listener, state.clone(), async move { stopped.cancelled().await }));
        TestApp { addr, state, clock, stop, server, database_url, _db: None }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Asks the server to shut down gracefully.
    pub fn stop(&self) {
        self.stop.cancel();
    }

    /// A caller without a session.
    pub async fn anonymous(&self) -> Client {
        Client::connect(&self.url(), None).await
    }

    /// Creates a community.
    pub async fn community(&self, slug: &str, name: &str) -> i64 {
        let mut conn = self.state.core.pool.get().await.expect("conn");
        communities::insert(&mut conn, slug, name).await.expect("community").id
    }

    /// Creates a person with [`PASSWORD`].
    pub async fn person(&self, email: &str, name: &str, staff_role: Option<StaffRole>) -> i64 {
        static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let hash = HASH.get_or_init(|| steward_backend::credentials::hash_password(PASSWORD).expect("hash"));
        let mut conn = self.state.core.pool.get().await.expect("conn");
        people::insert(&mut conn, people::NewPerson { email, display_name: name, password_hash: hash, staff_role })
            .await
            .expect("person")
            .id
    }

    /// Gives `person` `role` in `community`.
    pub async fn membership(&self, person: i64, community: i64, role: MembershipRole) {
        let mut conn = self.state.core.pool.get().await.expect("conn");
        people::set_membership(&mut conn, person, community, role).await.expect("membership");
        self.state.core.live.access_changed(person);
    }

    /// Signs `email` in with [`PASSWORD`].
    pub async fn sign_in(&self, email: &str) -> Client {
        let mut client = self.anonymous().await;
        client.sign_in(email, PASSWORD).await.unwrap_or_else(|e| panic!("sign in {email}: {e:?}"));
        client
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.stop.cancel();
        self.server.abort();
    }
}

/// Adds the session cookie, as a browser would.
#[derive(Clone)]
pub struct CookieJar(pub Arc<Mutex<Option<String>>>);

impl Interceptor for CookieJar {
    fn call(&mut self, mut request: tonic::Request<()>) -> Result<tonic::Request<()>, tonic::Status> {
        if let Some(cookie) = self.0.lock().expect("jar").clone() {
            request.metadata_mut().insert("cookie", cookie.parse().expect("cookie value"));
        }
        Ok(request)
    }
}

type Intercepted = InterceptedService<Channel, CookieJar>;

/// One caller: the generated clients sharing a cookie jar.
pub struct Client {
    pub jar: CookieJar,
    pub auth: AuthServiceClient<Intercepted>,
    pub board: BoardServiceClient<Intercepted>,
    pub live: LiveServiceClient<Intercepted>,
    pub directory: DirectoryServiceClient<Intercepted>,
    pub incidents: IncidentServiceClient<Intercepted>,
    pub intake: IntakeServiceClient<Intercepted>,
    pub keys: KeysServiceClient<Intercepted>,
    pub known_issues: KnownIssuesServiceClient<Intercepted>,
    pub tickets: TicketServiceClient<Intercepted>,
    pub triage: TriageServiceClient<Intercepted>,
    pub service_levels: ServiceLevelServiceClient<Intercepted>,
    pub mail: MailServiceClient<Intercepted>,
    pub paging: PagingServiceClient<Intercepted>,
    pub webhooks: WebhookServiceClient<Intercepted>,
}

impl Client {
    pub async fn connect(url: &str, cookie: Option<String>) -> Client {
        let channel = Channel::from_shared(url.to_owned()).expect("url").connect().await.expect("connect");
        let jar = CookieJar(Arc::new(Mutex::new(cookie)));
        Client {
            auth: AuthServiceClient::with_interceptor(channel.clone(), jar.clone()),
            board: BoardServiceClient::with_interceptor(channel.clone(), jar.clone()),
            live: LiveServiceClient::with_interceptor(channel.clone(), jar.clone()),
            directory: DirectoryServiceClient::with_interceptor(channel.clone(), jar.clone()),
            incidents: IncidentServiceClient::with_interceptor(channel.clone(), jar.clone()),
            intake: IntakeServiceClient::with_interceptor(channel.clone(), jar.clone()),
            keys: KeysServiceClient::with_interceptor(channel.clone(), jar.clone()),
            known_issues: KnownIssuesServiceClient::with_interceptor(channel.clone(), jar.clone()),
            tickets: TicketServiceClient::with_interceptor(channel.clone(), jar.clone()),
            triage: TriageServiceClient::with_interceptor(channel.clone(), jar.clone()),
            service_levels: ServiceLevelServiceClient::with_interceptor(channel.clone(), jar.clone()),
            mail: MailServiceClient::with_interceptor(channel.clone(), jar.clone()),
            paging: PagingServiceClient::with_interceptor(channel.clone(), jar.clone()),
            webhooks: WebhookServiceClient::with_interceptor(channel, jar.clone()),
            jar,
        }
    }

    /// Signs in and keeps the session cookie the server sets.
    pub async fn sign_in(&mut self, email: &str, password: &str) -> Result<pb::Person, tonic::Status> {
        let response = self.auth.sign_in(pb::SignInRequest { email: email.into(), password: password.into() }).await?;
        let set_cookie = response
            .metadata()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .expect("sign-in sets a cookie")
            .to_owned();
        let pair = set_cookie.split(';').next().expect("name=value").to_owned();
        *self.jar.0.lock().expect("jar") = Some(pair);
        Ok(response.into_inner().person.expect("person"))
    }

    /// A copy of the auth client (the clients are cheap handles on one channel).
    pub fn clone_auth(&self) -> AuthServiceClient<Intercepted> {
        self.auth.clone()
    }

    /// The cookie this client sends, if any.
    pub fn cookie(&self) -> Option<String> {
        self.jar.0.lock().expect("jar").clone()
    }
}
