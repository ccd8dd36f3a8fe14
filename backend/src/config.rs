//! Configuration, read once from the environment and validated at start.
//!
//! | variable               | default            | meaning |
//! |------------------------|--------------------|---------|
//! | `DATABASE_URL`         | (required)         | PostgreSQL URL, e.g. `postgresql://steward@localhost/steward` |
//! | `STEWARD_ADDR`         | `127.0.0.1:8080`   | address `steward serve` listens on |
//! | `STEWARD_STATIC_DIR`   | `dist`             | the built frontend served on the same port |
//! | `STEWARD_PUBLIC_ORIGIN`| (unset)            | the origin browsers use, e.g. `https://support.example.org`; when set, requests from any other Origin are refused and `https` marks the session cookie Secure; when unset, a browser request must come from the host it was sent to |
//! | `STEWARD_SESSION_HOURS`| `12`               | how long a session lasts after sign-in |
//! | `STEWARD_LOG_FORMAT`   | `text`             | `text` for people, `json` for log collectors |
//! | `STEWARD_JOBS_EVERY_MS` | `2000`            | how often the scheduler looks for SLA warnings, breaches and auto-closes that are due |
//! | `RUST_LOG`             | `info`             | log filter, e.g. `steward_backend=debug,info` |
//! | `STEWARD_MAX_REQUEST_KIB` | `512`           | the largest request a call that carries what people write (tickets, triage, forms, people) takes |
//! | `STEWARD_MAX_SMALL_REQUEST_KIB` | `16`      | the largest request of every other call (sign-in, live, board, known issues) |
//! | `STEWARD_HEADER_READ_SECONDS` | `10`        | how long a client may take to send a request's headers (slow clients are cut off) |
//! | `STEWARD_STREAMS_PER_SESSION` | `16`        | live streams one session may hold open at once |
//! | `STEWARD_STREAMS_PER_ADDRESS` | `256`       | live streams one network address may hold open at once |
//! | `STEWARD_SIGN_INS_PER_MINUTE` | `20`        | sign-in attempts per network address per minute |
//! | `STEWARD_SEARCHES_PER_MINUTE` | `240`       | similar-ticket suggestions and known-issue searches per address per minute |
//! | `STEWARD_MAIL_ADDRESS` | `support@steward.localhost` | the support address: mail Steward sends comes from it, mail to it (or to `support+<community>@…`) is a request |
//! | `STEWARD_MAIL_NAME`    | `Steward support`  | the name beside that address |
//! | `STEWARD_SMTP_URL`     | (unset)            | where mail is sent, e.g. `smtps://user:pass@smtp.example.org` or `smtp://127.0.0.1:2525`; unset: mail waits in the outbox, where admins read it |
//! | `STEWARD_MAIL_MAX_KIB` | `25600`            | the largest message `steward mail receive` (or the IMAP fetch) takes (25 MB) |
//! | `STEWARD_IMAP_URL`     | (unset)            | a mailbox to fetch support mail from, e.g. `imaps://support%40example.org:pass@imap.example.org/INBOX`; unset: mail comes only by `steward mail receive` |
//! | `STEWARD_IMAP_EVERY_SECONDS` | `60`         | how often that mailbox is looked at |
//! | `STEWARD_FILES`        | `files`            | where attached files are kept: a directory (created if missing), or an S3-compatible bucket `s3://bucket/prefix` (credentials, region and endpoint from the `AWS_*` variables) |
//! | `STEWARD_MAX_UPLOAD_MB` | `25`              | the largest file an upload may be, in MB |
//! | `STEWARD_UPLOAD_SECONDS` | `600`            | how long one upload may take |
//! | `STEWARD_MAIL_AUTHSERV_ID` | (unset)        | the authserv-id the support mailbox's own server writes in `Authentication-Results` (e.g. `mx.example.org`); set: only mail whose sender that server verified (DMARC, or an aligned DKIM signature) is taken in by itself, the rest waits for staff |
//!
//! Every error names the variable and says what a valid value looks like.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::limits::Limits;

/// Settings for `steward serve`.
#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: String,
    pub addr: SocketAddr,
    pub static_dir: PathBuf,
    pub public_origin: Option<String>,
    pub session_ttl: Duration,
    /// What one caller may take of the server.
    pub limits: Limits,
    /// How often the scheduler looks for jobs that are due (`STEWARD_JOBS_EVERY_MS`).
    pub jobs_every: Duration,
    /// Email in and out.
    pub mail: MailSettings,
    /// Attached files.
    pub files: FilesSettings,
}

/// Where attached files are kept and how big and slow an upload may be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilesSettings {
    /// `STEWARD_FILES`: a directory, or an `s3://bucket/prefix` URL.
    pub location: String,
    /// `STEWARD_MAX_UPLOAD_MB`, in bytes.
    pub max_bytes: u64,
    /// `STEWARD_UPLOAD_SECONDS`.
    pub upload_time: Duration,
}

impl FilesSettings {
    /// The settings read from the process environment (for commands that store files).
    pub fn from_env() -> Result<FilesSettings, ConfigError> {
        files_from(&|name: &str| std::env::var(name).ok())
    }
}

fn files_from(lookup: &impl Fn(&str) -> Option<String>) -> Result<FilesSettings, ConfigError> {
    let location = get(lookup, "STEWARD_FILES").unwrap_or_else(|| "files".to_owned()).trim().to_owned();
    if location.contains("://") && !location.starts_with("s3://") {
        return Err(problem(
            "STEWARD_FILES",
            "is neither a directory nor an S3 bucket URL such as s3://steward-files/prod",
        ));
    }
    let max_bytes = number(lookup, "STEWARD_MAX_UPLOAD_MB", 25, 1..=10_000)? * 1_000_000;
    let upload_time = Duration::from_secs(number(lookup, "STEWARD_UPLOAD_SECONDS", 600, 5..=86_400)?);
    Ok(FilesSettings { location, max_bytes, upload_time })
}

/// How Steward sends and receives mail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailSettings {
    /// The support address (`STEWARD_MAIL_ADDRESS`), lower-cased.
    pub address: String,
    /// The name beside it (`STEWARD_MAIL_NAME`).
    pub name: String,
    /// The SMTP server to send through (`STEWARD_SMTP_URL`); none: mail stays in the outbox.
    pub smtp_url: Option<String>,
    /// The largest message taken in (`STEWARD_MAIL_MAX_KIB`).
    pub max_bytes: usize,
    /// The mailbox to fetch from (`STEWARD_IMAP_URL`), if any.
    pub imap: Option<ImapSettings>,
    /// Where links in mail point: the public origin, or the address Steward serves on.
    pub link_origin: String,
    /// The support mailbox's server, whose `Authentication-Results` Steward trusts
    /// (`STEWARD_MAIL_AUTHSERV_ID`); none: senders are not checked.
    pub authserv_id: Option<String>,
}

/// A mailbox Steward fetches support mail from.
#[derive(Clone, PartialEq, Eq)]
pub struct ImapSettings {
    pub host: String,
    pub port: u16,
    /// `imaps`: TLS from the start (the only way over a network); `imap`: plain, for a server on
    /// the same machine.
    pub tls: bool,
    pub user: String,
    pub password: String,
    pub mailbox: String,
    /// How often it is looked at (`STEWARD_IMAP_EVERY_SECONDS`).
    pub every: Duration,
}

impl std::fmt::Debug for ImapSettings {
    /// Everything but the password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImapSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("user", &self.user)
            .field("mailbox", &self.mailbox)
            .field("every", &self.every)
            .finish_non_exhaustive()
    }
}

impl MailSettings {
    /// The domain of the support address, which Steward's Message-IDs carry.
    pub fn domain(&self) -> &str {
        self.address.rsplit_once('@').map_or("steward.localhost", |(_, domain)| domain)
    }

    /// The settings read from the process environment (for commands that only handle mail).
    pub fn from_env() -> Result<MailSettings, ConfigError> {
        let lookup = |name: &str| std::env::var(name).ok();
        let origin = match get(&lookup, "STEWARD_PUBLIC_ORIGIN") {
            Some(text) => parse_origin(text.trim()),
            None => None,
        };
        mail_from(&lookup, origin.unwrap_or_else(|| "http://127.0.0.1:8080".to_owned()))
    }
}

/// How logs are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// A variable is missing or malformed.
#[derive(Debug, thiserror::Error)]
#[error("{variable}: {problem}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub problem: String,
}

fn problem(variable: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError { variable, problem: problem.into() }
}

/// Reads a variable through `lookup`, treating empty as unset.
fn get(lookup: &impl Fn(&str) -> Option<String>, variable: &'static str) -> Option<String> {
    lookup(variable).filter(|value| !value.trim().is_empty())
}

impl Config {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the configuration through `lookup` (the environment, or a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let database_url = database_url_from(&lookup)?;
        let addr = match get(&lookup, "STEWARD_ADDR") {
            None => SocketAddr::from(([127, 0, 0, 1], 8080)),
            Some(text) => text.trim().parse().map_err(|_| {
                problem(
                    "STEWARD_ADDR",
                    format!("\"{text}\" is not an address with a port, such as 127.0.0.1:8080 or [::]:8080"),
                )
            })?,
        };
        let static_dir = PathBuf::from(get(&lookup, "STEWARD_STATIC_DIR").unwrap_or_else(|| "dist".to_owned()));
        let public_origin = match get(&lookup, "STEWARD_PUBLIC_ORIGIN") {
            None => None,
            Some(text) => Some(parse_origin(text.trim()).ok_or_else(|| {
                problem(
                    "STEWARD_PUBLIC_ORIGIN",
                    format!("\"{text}\" is not an origin such as https://support.example.org (scheme and host, optional port, no path)"),
                )
            })?),
        };
        let session_ttl = match get(&lookup, "STEWARD_SESSION_HOURS") {
            None => Duration::from_secs(12 * 3600),
            Some(text) => match text.trim().parse::<u64>() {
                Ok(hours) if (1..=24 * 90).contains(&hours) => Duration::from_secs(hours * 3600),
                _ => {
                    return Err(problem(
                        "STEWARD_SESSION_HOURS",
                        format!("\"{text}\" is not a whole number of hours from 1 to 2160"),
                    ));
                }
            },
        };
        let limits = limits_from(&lookup)?;
        let jobs_every = match get(&lookup, "STEWARD_JOBS_EVERY_MS") {
            None => Duration::from_secs(2),
            Some(text) => match text.trim().parse::<u64>() {
                Ok(ms) if (10..=600_000).contains(&ms) => Duration::from_millis(ms),
                _ => {
                    return Err(problem(
                        "STEWARD_JOBS_EVERY_MS",
                        format!("\"{text}\" is not a whole number of milliseconds from 10 to 600000"),
                    ));
                }
            },
        };
        let link_origin = public_origin.clone().unwrap_or_else(|| format!("http://{addr}"));
        let mail = mail_from(&lookup, link_origin)?;
        let files = files_from(&lookup)?;
        Ok(Config { database_url, addr, static_dir, public_origin, session_ttl, limits, jobs_every, mail, files })
    }

    /// Whether the session cookie gets the Secure attribute.
    pub fn secure_cookies(&self) -> bool {
        self.public_origin.as_deref().is_some_and(|origin| origin.starts_with("https://"))
    }
}

/// `DATABASE_URL`, for the commands that need only the database.
pub fn database_url() -> Result<String, ConfigError> {
    database_url_from(&|name: &str| std::env::var(name).ok())
}

fn database_url_from(lookup: &impl Fn(&str) -> Option<String>) -> Result<String, ConfigError> {
    let url = get(lookup, "DATABASE_URL").ok_or_else(|| {
        problem("DATABASE_URL", "is not set; set it to a PostgreSQL URL such as postgresql://steward@localhost/steward (`cargo xtask dev` sets it for you)")
    })?;
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return Err(problem("DATABASE_URL", "must start with postgresql:// (or postgres://)"));
    }
    Ok(url)
}

/// `STEWARD_LOG_FORMAT`.
pub fn log_format() -> Result<LogFormat, ConfigError> {
    match std::env::var("STEWARD_LOG_FORMAT").ok().as_deref().map(str::trim) {
        None | Some("") | Some("text") => Ok(LogFormat::Text),
        Some("json") => Ok(LogFormat::Json),
        Some(other) => Err(problem("STEWARD_LOG_FORMAT", format!("\"{other}\" is not one of: text, json"))),
    }
}

/// `scheme://host[:port]` with nothing after, lower-cased; `None` if it is not one.
fn parse_origin(text: &str) -> Option<String> {
    let (scheme, rest) = text.split_once("://")?;
    let valid_scheme = scheme == "http" || scheme == "https";
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let valid_host = !rest.is_empty() && !rest.contains(['/', '?', '#', '@', ' ']);
    (valid_scheme && valid_host).then(|| format!("{scheme}://{}", rest.to_lowercase()))
}

/// A whole number in `range` from `variable`, or `default` when it is unset.
fn number(
    lookup: &impl Fn(&str) -> Option<String>,
    variable: &'static str,
    default: u64,
    range: std::ops::RangeInclusive<u64>,
) -> Result<u64, ConfigError> {
    match get(lookup, variable) {
        None => Ok(default),
        Some(text) => match text.trim().parse::<u64>() {
            Ok(value) if range.contains(&value) => Ok(value),
            _ => Err(problem(
                variable,
                format!("\"{text}\" is not a whole number from {} to {}", range.start(), range.end()),
            )),
        },
    }
}

fn mail_from(lookup: &impl Fn(&str) -> Option<String>, link_origin: String) -> Result<MailSettings, ConfigError> {
    let address = get(lookup, "STEWARD_MAIL_ADDRESS").unwrap_or_else(|| "support@steward.localhost".to_owned());
    let address = address.trim().to_lowercase();
    if address.parse::<lettre::Address>().is_err() {
        return Err(problem(
            "STEWARD_MAIL_ADDRESS",
            format!("\"{address}\" is not an email address such as support@example.org"),
        ));
    }
    let name = steward_domain::mail::one_line(get(lookup, "STEWARD_MAIL_NAME").as_deref().unwrap_or("Steward support"));
    let smtp_url = match get(lookup, "STEWARD_SMTP_URL") {
        None => None,
        Some(text) => {
            let text = text.trim().to_owned();
            let valid = url::Url::parse(&text).is_ok_and(|url| {
                matches!(url.scheme(), "smtp" | "smtps") && url.host_str().is_some_and(|h| !h.is_empty())
            });
            if !valid {
                return Err(problem(
                    "STEWARD_SMTP_URL",
                    "is not an SMTP URL such as smtps://user:password@smtp.example.org or smtp://127.0.0.1:2525",
                ));
            }
            Some(text)
        }
    };
    let max_bytes = number(lookup, "STEWARD_MAIL_MAX_KIB", 25_600, 64..=1024 * 1024)? as usize * 1024;
    let every = Duration::from_secs(number(lookup, "STEWARD_IMAP_EVERY_SECONDS", 60, 1..=3600)?);
    let imap = match get(lookup, "STEWARD_IMAP_URL") {
        None => None,
        Some(text) => Some(imap_from(text.trim(), every)?),
    };
    let authserv_id = get(lookup, "STEWARD_MAIL_AUTHSERV_ID").map(|id| id.trim().to_lowercase());
    if let Some(id) = &authserv_id
        && (id.is_empty() || id.contains(char::is_whitespace) || id.contains(';'))
    {
        return Err(problem(
            "STEWARD_MAIL_AUTHSERV_ID",
            "is not an authserv-id such as mx.example.org (the name your mail server writes first in Authentication-Results)",
        ));
    }
    Ok(MailSettings { address, name, smtp_url, max_bytes, imap, link_origin, authserv_id })
}

fn imap_from(text: &str, every: Duration) -> Result<ImapSettings, ConfigError> {
    let bad = || {
        problem(
            "STEWARD_IMAP_URL",
            "is not a mailbox URL such as imaps://support%40example.org:password@imap.example.org/INBOX (imap:// only for a server on this machine)",
        )
    };
    let url = url::Url::parse(text).map_err(|_| bad())?;
    let tls = match url.scheme() {
        "imaps" => true,
        "imap" => false,
        _ => return Err(bad()),
    };
    let host = url.host_str().filter(|h| !h.is_empty()).ok_or_else(bad)?.to_owned();
    // Without TLS the password would cross the network in the clear.
    if !tls && !matches!(host.as_str(), "127.0.0.1" | "localhost" | "[::1]" | "::1") {
        return Err(bad());
    }
    let decode = |part: &str| percent_decode(part).ok_or_else(bad);
    let user = decode(url.username())?;
    let password = decode(url.password().unwrap_or_default())?;
    if user.is_empty() {
        return Err(bad());
    }
    let mailbox = decode(url.path().trim_start_matches('/'))?;
    Ok(ImapSettings {
        host,
        port: url.port().unwrap_or(if tls { 993 } else { 143 }),
        tls,
        user,
        password,
        mailbox: if mailbox.is_empty() { "INBOX".to_owned() } else { mailbox },
        every,
    })
}

/// A URL part with its `%XX` escapes decoded, if it is UTF-8.
fn percent_decode(part: &str) -> Option<String> {
    percent_encoding::percent_decode_str(part).decode_utf8().ok().map(|text| text.into_owned())
}

fn limits_from(lookup: &impl Fn(&str) -> Option<String>) -> Result<Limits, ConfigError> {
    let kib = |variable, default| number(lookup, variable, default, 1..=64 * 1024).map(|n| n as usize * 1024);
    let count = |variable, default| number(lookup, variable, default, 1..=100_000).map(|n| n as u32);
    Ok(Limits {
        max_request_bytes: kib("STEWARD_MAX_REQUEST_KIB", 512)?,
        max_small_request_bytes: kib("STEWARD_MAX_SMALL_REQUEST_KIB", 16)?,
        header_read_timeout: Duration::from_secs(number(lookup, "STEWARD_HEADER_READ_SECONDS", 10, 1..=600)?),
        streams_per_session: count("STEWARD_STREAMS_PER_SESSION", 16)?,
        streams_per_address: count("STEWARD_STREAMS_PER_ADDRESS", 256)?,
        sign_ins_per_minute: count("STEWARD_SIGN_INS_PER_MINUTE", 20)?,
        searches_per_minute: count("STEWARD_SEARCHES_PER_MINUTE", 240)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(move |name| map.get(name).cloned())
    }

    const DB: (&str, &str) = ("DATABASE_URL", "postgresql://steward@localhost/steward");

    #[test]
    fn defaults() {
        let config = config(&[DB]).unwrap();
        assert_eq!(config.addr.to_string(), "127.0.0.1:8080");
        assert_eq!(config.static_dir, PathBuf::from("dist"));
        assert_eq!(config.session_ttl, Duration::from_secs(12 * 3600));
        assert!(!config.secure_cookies());
        assert_eq!(config.mail.address, "support@steward.localhost");
        assert_eq!(config.mail.smtp_url, None, "no SMTP server: mail waits in the outbox");
        assert_eq!(config.mail.link_origin, "http://127.0.0.1:8080");
    }

    #[test]
    fn mail_settings_are_checked_and_links_use_the_public_origin() {
        let settings = config(&[
            DB,
            ("STEWARD_MAIL_ADDRESS", " Help@Example.org "),
            ("STEWARD_SMTP_URL", "smtp://127.0.0.1:2525"),
            ("STEWARD_PUBLIC_ORIGIN", "https://support.example.org"),
        ])
        .unwrap();
        assert_eq!(settings.mail.address, "help@example.org");
        assert_eq!(settings.mail.domain(), "example.org");
        assert_eq!(settings.mail.link_origin, "https://support.example.org");
        assert_eq!(config(&[DB, ("STEWARD_MAIL_ADDRESS", "support")]).unwrap_err().variable, "STEWARD_MAIL_ADDRESS");
        for bad in ["http://smtp.example.org", "smtp://", "smtp.example.org:25"] {
            assert_eq!(config(&[DB, ("STEWARD_SMTP_URL", bad)]).unwrap_err().variable, "STEWARD_SMTP_URL", "{bad}");
        }
    }

    #[test]
    fn an_imap_url_names_the_mailbox_with_its_escapes_decoded_and_its_password_stays_out_of_logs() {
        let settings = config(&[
            DB,
            ("STEWARD_IMAP_URL", "imaps://support%40example.org:p%40ss+word@imap.example.org/Support%20Desk"),
        ])
        .unwrap();
        let imap = settings.mail.imap.expect("a mailbox");
        assert_eq!((imap.host.as_str(), imap.port, imap.tls), ("imap.example.org", 993, true));
        assert_eq!((imap.user.as_str(), imap.password.as_str()), ("support@example.org", "p@ss+word"));
        assert_eq!(imap.mailbox, "Support Desk");
        assert!(!format!("{imap:?}").contains("p@ss"), "{imap:?}");
        let local =
            config(&[DB, ("STEWARD_IMAP_URL", "imap://support:x@127.0.0.1")]).unwrap().mail.imap.expect("local");
        assert_eq!((local.port, local.tls, local.mailbox.as_str()), (143, false, "INBOX"));
        for bad in [
            "imaps://imap.example.org/INBOX",
            "https://x:y@imap.example.org",
            "imap.example.org",
            "imap://x:y@imap.example.org",
        ] {
            assert_eq!(config(&[DB, ("STEWARD_IMAP_URL", bad)]).unwrap_err().variable, "STEWARD_IMAP_URL", "{bad}");
        }
    }

    #[test]
    fn every_error_names_its_variable() {
        assert_eq!(config(&[]).unwrap_err().variable, "DATABASE_URL");
        assert_eq!(config(&[("DATABASE_URL", "mysql://x")]).unwrap_err().variable, "DATABASE_URL");
        assert_eq!(config(&[DB, ("STEWARD_ADDR", "8080")]).unwrap_err().variable, "STEWARD_ADDR");
        assert_eq!(config(&[DB, ("STEWARD_SESSION_HOURS", "0")]).unwrap_err().variable, "STEWARD_SESSION_HOURS");
        assert_eq!(
            config(&[DB, ("STEWARD_PUBLIC_ORIGIN", "support.example.org")]).unwrap_err().variable,
            "STEWARD_PUBLIC_ORIGIN"
        );
        let message = config(&[DB, ("STEWARD_ADDR", "8080")]).unwrap_err().to_string();
        assert!(message.starts_with("STEWARD_ADDR: "), "{message}");
    }

    #[test]
    fn an_https_origin_makes_cookies_secure() {
        let config = config(&[DB, ("STEWARD_PUBLIC_ORIGIN", "https://Support.Example.org/")]).unwrap();
        assert_eq!(config.public_origin.as_deref(), Some("https://support.example.org"));
        assert!(config.secure_cookies());
    }
}
