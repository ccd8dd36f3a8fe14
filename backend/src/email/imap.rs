//! Fetching support mail from an IMAP mailbox (the way teams with an existing support@ work):
//! every `STEWARD_IMAP_EVERY_SECONDS`, the unseen messages are read (without marking them),
//! taken in by `usecases::mail::receive`, and only then marked seen. While Steward's database
//! is unavailable, messages stay unseen and are read again next time; a message that fails by
//! itself is flagged in the mailbox for a person and never blocks the others. Receiving is
//! idempotent by Message-ID, so a message read twice is still taken in once. Every serving
//! process may fetch: what one takes in, the others find recorded.

use std::sync::Arc;
use std::time::Duration;

use async_imap::Session;
use futures_util::TryStreamExt;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::{ClientConfig, RootCertStore, pki_types::ServerName};
use tokio_util::sync::CancellationToken;

use crate::config::ImapSettings;
use crate::error::AppError;
use crate::usecases::{Core, mail};

/// What one look at the mailbox did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Fetched {
    /// Messages taken in (filed, added, held or left as a machine's) and marked seen.
    pub taken: usize,
    /// Messages that are not mail Steward can read (too large, no sender): marked seen and
    /// flagged for a person to look at in the mailbox.
    pub refused: usize,
}

/// Looks at the mailbox every `settings.every` until `stop` is cancelled.
pub async fn run(core: Core, settings: ImapSettings, stop: CancellationToken) {
    loop {
        match fetch_once(&core, &settings).await {
            Ok(Fetched { taken: 0, refused: 0 }) => {}
            Ok(fetched) => tracing::info!(taken = fetched.taken, refused = fetched.refused, "mail fetched"),
            Err(error) => tracing::warn!(
                host = settings.host.as_str(),
                mailbox = settings.mailbox.as_str(),
                error = format!("{error:#}"),
                "the support mailbox could not be read; Steward tries again"
            ),
        }
        tokio::select! {
            () = tokio::time::sleep(settings.every) => {}
            () = stop.cancelled() => return,
        }
    }
}

/// Reads the unseen messages once and takes each in.
pub async fn fetch_once(core: &Core, settings: &ImapSettings) -> anyhow::Result<Fetched> {
    let address = (settings.host.as_str(), settings.port);
    let tcp = tokio::time::timeout(Duration::from_secs(30), TcpStream::connect(address))
        .await
        .map_err(|_| anyhow::anyhow!("no answer from {}:{} within 30 s", settings.host, settings.port))?
        .map_err(|e| anyhow::anyhow!("cannot connect to {}:{}: {e}", settings.host, settings.port))?;
    if settings.tls {
        let mut roots = RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        let config = ClientConfig::builder().with_root_certificates(roots).with_no_client_auth();
        let name = ServerName::try_from(settings.host.clone())?;
        let tls = TlsConnector::from(Arc::new(config)).connect(name, tcp).await?;
        fetch_over(core, settings, tls).await
    } else {
        fetch_over(core, settings, tcp).await
    }
}

async fn fetch_over<S>(core: &Core, settings: &ImapSettings, stream: S) -> anyhow::Result<Fetched>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug,
{
    let mut client = async_imap::Client::new(stream);
    client.read_response().await?.ok_or_else(|| anyhow::anyhow!("the server closed the connection at once"))?;
    let mut session = client
        .login(&settings.user, &settings.password)
        .await
        .map_err(|(e, _)| anyhow::anyhow!("signing in as {} was refused: {e}", settings.user))?;
    let fetched = take_unseen(core, settings, &mut session).await;
    // Leaving politely; the work is done (or kept for next time) either way.
    let _ = session.logout().await;
    fetched
}

async fn take_unseen<S>(core: &Core, settings: &ImapSettings, session: &mut Session<S>) -> anyhow::Result<Fetched>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug,
{
    session.select(&settings.mailbox).await.map_err(|e| anyhow::anyhow!("mailbox {}: {e}", settings.mailbox))?;
    let mut unseen: Vec<u32> = session.uid_search("UNSEEN").await?.into_iter().collect();
    unseen.sort_unstable();
    let mut fetched = Fetched::default();
    for uid in unseen {
        let messages: Vec<_> = session.uid_fetch(uid.to_string(), "BODY.PEEK[]").await?.try_collect().await?;
        let Some(raw) = messages.iter().find_map(|m| m.body().map(<[u8]>::to_vec)) else { continue };
        let flags = match super::parse(&raw, core.mail.max_bytes) {
            Ok(incoming) => match mail::receive(core, incoming).await {
                Ok(_) => {
                    fetched.taken += 1;
                    "+FLAGS (\\Seen)"
                }
                // Steward cannot take anything in now (its database is down or busy): this one
                // and the rest stay unseen for the next look.
                Err(error @ (AppError::Unavailable(_) | AppError::Aborted(_))) => return Err(error.into()),
                // This message fails by itself: flagged for a person, so it never blocks the rest.
                Err(error) => {
                    tracing::error!(uid, %error, "a message in the support mailbox could not be taken in; it is flagged there");
                    fetched.refused += 1;
                    "+FLAGS (\\Seen \\Flagged)"
                }
            },
            Err(refusal) => {
                tracing::warn!(uid, %refusal, "a message in the support mailbox is not one Steward can take in; it is flagged there");
                fetched.refused += 1;
                "+FLAGS (\\Seen \\Flagged)"
            }
        };
        let _: Vec<_> = session.uid_store(uid.to_string(), flags).await?.try_collect().await?;
    }
    Ok(fetched)
}
