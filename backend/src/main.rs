//! The `steward` command: serve the app, migrate the database, load demo data, administer.
//! Configuration comes from the environment; see `config.rs` for every variable.

use clap::{Parser, Subcommand, ValueEnum};
use steward_backend::config::{self, Config, MailSettings};
use steward_backend::db::models::mail::Outcome;
use steward_backend::db::models::{communities, people};
use steward_backend::usecases::{self, Actor, Core};
use steward_backend::{db, demo, email, server, telemetry};
use steward_domain::{MembershipRole, StaffRole};
use tokio_util::sync::CancellationToken;

/// jemalloc, which hands memory freed under a steady load back to the system (glibc's allocator
/// keeps it in per-thread arenas, so a server's size creeps up in steps; issue 10's soak).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[derive(Parser)]
#[command(name = "steward", version, about = "Steward: support desk and incident board")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API and the frontend on STEWARD_ADDR (default 127.0.0.1:8080).
    Serve,
    /// Apply pending database migrations.
    Migrate,
    /// Load the demo communities, people and tickets (idempotent).
    Demo,
    /// Manage communities and people.
    #[command(subcommand)]
    Admin(Admin),
    /// Email: take in a message, read the outbox and the held mail.
    #[command(subcommand)]
    Mail(MailCommand),
}

#[derive(Subcommand)]
enum MailCommand {
    /// Take in one message from standard input (as a mail server's pipe or a .eml file): it
    /// becomes a ticket, a reply on one, or waits for staff. Receiving the same message twice
    /// does nothing the second time.
    Receive,
    /// Show the newest mails Steward queued, sent or not, with their errors.
    Outbox {
        #[arg(long, default_value_t = 20)]
        limit: i64,
    },
    /// Show the mail waiting for staff (unknown senders, no clear community).
    Held {
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
}

#[derive(Subcommand)]
enum Admin {
    /// Create a community.
    CreateCommunity {
        /// Short URL-safe name, e.g. aurora.
        #[arg(long)]
        slug: String,
        /// Display name, e.g. "Aurora Hub".
        #[arg(long)]
        name: String,
    },
    /// Create a person. The password is read from the environment variable named by
    /// --password-env, so it never appears in the shell history or process list.
    CreatePerson {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_enum)]
        staff_role: Option<StaffRoleArg>,
        #[arg(long, default_value = "STEWARD_NEW_PASSWORD")]
        password_env: String,
    },
    /// Put a person on the support staff with a role, change it, or take them off the staff
    /// (--role none). Their sessions end: they sign in again with the new role.
    SetStaffRole {
        #[arg(long)]
        email: String,
        #[arg(long, value_enum)]
        role: StaffRoleChoice,
    },
    /// Add a person to a community, or change their role there.
    AddMember {
        #[arg(long)]
        email: String,
        /// The community's slug.
        #[arg(long)]
        community: String,
        #[arg(long, value_enum)]
        role: RoleArg,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum StaffRoleChoice {
    None,
    Steward,
    Admin,
}

#[derive(Clone, Copy, ValueEnum)]
enum StaffRoleArg {
    Steward,
    Admin,
}

#[derive(Clone, Copy, ValueEnum)]
enum RoleArg {
    Representative,
    Member,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let format = match config::log_format() {
        Ok(format) => format,
        Err(error) => {
            eprintln!("steward: {error}");
            return std::process::ExitCode::from(2);
        }
    };
    telemetry::init(format);
    match run(cli.command).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("steward: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Serve => {
            let config = Config::from_env()?;
            let listener = tokio::net::TcpListener::bind(config.addr)
                .await
                .map_err(|e| anyhow::anyhow!("STEWARD_ADDR: cannot listen on {}: {e}", config.addr))?;
            if !config.static_dir.join("index.html").exists() {
                tracing::warn!(dir = %config.static_dir.display(), "STEWARD_STATIC_DIR has no index.html; build the frontend with `cargo xtask dev`");
            }
            tracing::info!(addr = %config.addr, "Steward is listening");
            let state = server::state(config, steward_backend::clock::system(), CancellationToken::new()).await?;
            server::serve(listener, state, server::shutdown_signal()).await
        }
        Command::Migrate => {
            let applied = db::migrate(&config::database_url()?).await?;
            println!("steward: {applied} migration(s) applied; the database is up to date");
            Ok(())
        }
        Command::Demo => {
            let loaded = demo::load(&config::database_url()?).await?;
            println!(
                "steward: demo data loaded ({} people, {} communities, {} tickets, {} incidents added); every demo \
                 password is {}",
                loaded.people,
                loaded.communities,
                loaded.tickets,
                loaded.incidents,
                demo::DEMO_PASSWORD
            );
            Ok(())
        }
        Command::Admin(admin) => run_admin(admin).await,
        Command::Mail(command) => run_mail(command).await,
    }
}

async fn run_mail(command: MailCommand) -> anyhow::Result<()> {
    let settings = MailSettings::from_env()?;
    let pool = db::pool(&config::database_url()?, 2)?;
    let core = Core::for_command(pool.clone(), settings.clone(), files_from_env()?);
    match command {
        MailCommand::Receive => {
            let mut raw = Vec::new();
            let limit = settings.max_bytes as u64 + 1;
            std::io::Read::read_to_end(&mut std::io::Read::take(std::io::stdin().lock(), limit), &mut raw)
                .map_err(|e| anyhow::anyhow!("cannot read the message from standard input: {e}"))?;
            let incoming = email::parse(&raw, settings.max_bytes)?;
            let receipt = usecases::mail::receive(&core, incoming).await?;
            let what = match (receipt.outcome, receipt.ticket_number) {
                (_, _) if receipt.duplicate => "was received before; nothing was done again".to_owned(),
                (Outcome::Filed, Some(number)) => format!("filed as ticket #{number}"),
                (Outcome::Replied, Some(number)) => format!("added to ticket #{number}"),
                (Outcome::Held, _) => format!("held for staff: {}", receipt.reason),
                _ => format!("left alone: {}", receipt.reason),
            };
            println!("steward: the message {what}");
        }
        MailCommand::Outbox { limit } => {
            let conn = pool.get().await?;
            let mails = steward_backend::db::models::mail::latest(&conn, limit).await?;
            if mails.is_empty() {
                println!("steward: the outbox is empty");
            }
            for mail in mails {
                let state = match (mail.sent_at, &mail.last_error) {
                    (Some(at), _) => format!("sent {}", at.format("%Y-%m-%d %H:%M")),
                    (None, Some(error)) => format!("not sent after {} attempt(s): {error}", mail.attempts),
                    (None, None) => "waiting".to_owned(),
                };
                println!(
                    "#{} {} to {} <{}>: {} [{state}]",
                    mail.id,
                    mail.kind.as_str(),
                    mail.recipient_name,
                    mail.recipient,
                    mail.subject
                );
            }
        }
        MailCommand::Held { limit } => {
            let conn = pool.get().await?;
            let held = steward_backend::db::models::mail::held(&conn, limit).await?;
            if held.is_empty() {
                println!("steward: no mail is waiting for staff");
            }
            for mail in held {
                println!(
                    "{} from {}: {} ({})",
                    mail.received_at.format("%Y-%m-%d %H:%M"),
                    mail.from_address,
                    mail.subject,
                    mail.reason
                );
            }
        }
    }
    Ok(())
}

async fn run_admin(admin: Admin) -> anyhow::Result<()> {
    let url = config::database_url()?;
    let pool = db::pool(&url, 2)?;
    let core = Core::for_command(pool.clone(), MailSettings::from_env()?, files_from_env()?);
    let mut conn = pool.get().await?;
    match admin {
        Admin::CreateCommunity { slug, name } => {
            usecases::people::check_slug(&slug)?;
            let name = usecases::people::check_name("name", &name)?;
            let community = usecases::directory::create_community(&core, Actor::Steward, &slug, &name).await?;
            println!("steward: created community {} ({}), id {}", community.name, community.slug, community.id);
        }
        Admin::CreatePerson { email, name, staff_role, password_env } => {
            let password = std::env::var(&password_env).map_err(|_| {
                anyhow::anyhow!("{password_env}: set it to the new person's password (at least 12 characters)")
            })?;
            let staff_role = staff_role.map(|role| match role {
                StaffRoleArg::Steward => StaffRole::Steward,
                StaffRoleArg::Admin => StaffRole::Admin,
            });
            let person = usecases::people::create_person(&core, &email, &name, &password, staff_role).await?;
            println!("steward: created {} <{}>, id {}", person.display_name, person.email, person.id);
        }
        Admin::SetStaffRole { email, role } => {
            let (person, _) = people::find_by_email(&mut conn, &email)
                .await?
                .ok_or_else(|| anyhow::anyhow!("--email: nobody has the email {email}"))?;
            let role = match role {
                StaffRoleChoice::None => None,
                StaffRoleChoice::Steward => Some(StaffRole::Steward),
                StaffRoleChoice::Admin => Some(StaffRole::Admin),
            };
            let ended = usecases::people::set_staff_role(&core, Actor::Steward, person.id, role).await?;
            let now = role
                .map_or("off the support staff".to_owned(), |role| format!("on the support staff as {}", role.label()));
            println!("steward: {} is now {now}; {ended} of their sessions ended", person.display_name);
        }
        Admin::AddMember { email, community, role } => {
            let (person, _) = people::find_by_email(&mut conn, &email)
                .await?
                .ok_or_else(|| anyhow::anyhow!("--email: nobody has the email {email}"))?;
            let found = communities::find_by_slug(&mut conn, &community)
                .await?
                .ok_or_else(|| anyhow::anyhow!("--community: there is no community with the slug {community}"))?;
            let role = match role {
                RoleArg::Representative => MembershipRole::Representative,
                RoleArg::Member => MembershipRole::Member,
            };
            usecases::directory::set_membership(&core, Actor::Steward, person.id, found.id, role).await?;
            println!("steward: {} is now a {} of {}", person.display_name, role.label().to_lowercase(), found.name);
        }
    }
    Ok(())
}

/// Where attached files are kept, for commands that may store them.
fn files_from_env() -> anyhow::Result<steward_backend::files::Files> {
    steward_backend::files::Files::open(&config::FilesSettings::from_env()?)
}
