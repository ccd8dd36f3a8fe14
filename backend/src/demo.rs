//! Demo data for `steward demo`: two communities, an admin, two stewards, representatives and
//! a member, and a handful of tickets in different states. Loading it twice changes nothing:
//! people and communities are matched by email and slug, and tickets are only added to demo
//! communities that have none.
//!
//! Every demo account's password is [`DEMO_PASSWORD`].

use chrono::Datelike;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use steward_domain::conversation::Visibility;
use steward_domain::facts::Principal;
use steward_domain::fields::FieldsEdit;
use steward_domain::intake::RequestDraft;
use steward_domain::lifecycle::Action;
use steward_domain::{BudgetPeriod, MembershipRole, Priority, RequestType, StaffRole};

use crate::db::models::{communities, people, rotation, support_policy, tickets, triage};
use crate::error::{AppError, AppResult};
use crate::usecases::tickets::{FieldsUpdate, NewMessage, NewRequest, Step};
use crate::usecases::{self, Actor, Core};
use crate::{credentials, db, db::schema};

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "demo-password-2026";

/// (email, name, staff role)
const PEOPLE: &[(&str, &str, Option<StaffRole>)] = &[
    ("admin@steward.example", "Ada Admin", Some(StaffRole::Admin)),
    ("sam@steward.example", "Sam Steward", Some(StaffRole::Steward)),
    ("tess@steward.example", "Tess Steward", Some(StaffRole::Steward)),
    ("rita@aurora.example", "Rita Representative", None),
    ("milo@aurora.example", "Milo Member", None),
    ("bea@borealis.example", "Bea Representative", None),
];

/// (slug, name)
const COMMUNITIES: &[(&str, &str)] = &[("aurora", "Aurora Hub"), ("borealis", "Borealis Lab")];

/// How to reach the demo's support team, and its security route.
fn demo_support_policy() -> support_policy::SupportPolicy {
    support_policy::SupportPolicy {
        channels: "This app: file a request under New request (all priorities).\n\
                   Production down outside working hours: call the escalation line, +32 2 000 00 00."
            .to_owned(),
        security_contact: "security@steward.example".to_owned(),
        security_instructions: "Write to the security contact, not to support, and do not file a request: requests \
                                may be public. Describe the problem, how to reproduce it and what it exposes. We \
                                answer within two working days and agree with you when to disclose it."
            .to_owned(),
    }
}

/// (community slug, support budget hours, period), set when the community is first created.
const BUDGETS: &[(&str, i32, BudgetPeriod)] =
    &[("aurora", 20, BudgetPeriod::Month), ("borealis", 30, BudgetPeriod::Quarter)];

/// (email, community slug, role)
const MEMBERSHIPS: &[(&str, &str, MembershipRole)] = &[
    ("rita@aurora.example", "aurora", MembershipRole::Representative),
    ("milo@aurora.example", "aurora", MembershipRole::Member),
    ("bea@borealis.example", "borealis", MembershipRole::Representative),
];

/// What `load` did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Loaded {
    pub people: usize,
    pub communities: usize,
    pub tickets: usize,
    pub incidents: usize,
}

struct DemoTicket {
    community: &'static str,
    requester: &'static str,
    request_type: RequestType,
    priority: Priority,
    title: &'static str,
    description: &'static str,
    confidential: bool,
    answers: &'static [(&'static str, &'static str)],
    /// Steps taken after filing, by the first steward unless the step is the requester's.
    steps: &'static [Action],
    assignee: Option<&'static str>,
    /// (author email, body, internal)
    conversation: &'static [(&'static str, &'static str, bool)],
}

const TICKETS: &[DemoTicket] = &[
    DemoTicket {
        community: "aurora",
        requester: "rita@aurora.example",
        request_type: RequestType::Incident,
        priority: Priority::ProductionDown,
        title: "Students cannot start their servers",
        description: "Since 09:10 every student gets a spawn timeout. Our course starts at 10:00.",
        confidential: false,
        answers: &[
            ("affected_service", "hub.aurora.example"),
            ("started_at", "Today 09:10 CET"),
            ("impact", "All 120 students of the data science course."),
        ],
        steps: &[Action::Triage, Action::Start],
        assignee: Some("sam@steward.example"),
        conversation: &[
            ("sam@steward.example", "Thanks Rita, we are on it and will update you within the hour.", false),
            ("sam@steward.example", "Autoscaler is stuck at 0 nodes; restarting the node pool.", true),
        ],
    },
    DemoTicket {
        community: "aurora",
        requester: "rita@aurora.example",
        request_type: RequestType::ChangeRequest,
        priority: Priority::Normal,
        title: "Add numpy 2 to the default image",
        description: "Our new notebooks need numpy 2.",
        confidential: false,
        answers: &[
            ("environment", "hub.aurora.example"),
            ("desired_change", "Upgrade numpy to 2.x in the default user image."),
            ("reason", "The spring course material uses numpy 2 APIs; needed by January."),
        ],
        steps: &[Action::Triage],
        assignee: Some("tess@steward.example"),
        conversation: &[],
    },
    DemoTicket {
        community: "aurora",
        requester: "rita@aurora.example",
        request_type: RequestType::AddRemoveUser,
        priority: Priority::Normal,
        title: "Make Dr. Chen a hub admin",
        description: "Dr. Chen takes over the course next term.",
        confidential: true,
        answers: &[
            ("access_change", "Add as hub admin"),
            ("people", "Dr. Lin Chen, lin.chen@aurora.example"),
            ("environment", "hub.aurora.example"),
        ],
        steps: &[],
        assignee: None,
        conversation: &[],
    },
    DemoTicket {
        community: "aurora",
        requester: "milo@aurora.example",
        request_type: RequestType::GuidanceRequest,
        priority: Priority::Normal,
        title: "How do I share notebooks with my class?",
        description: "I would like students to get a copy of my notebooks when they log in.",
        confidential: false,
        answers: &[("topic", "Distributing notebooks to students")],
        steps: &[],
        assignee: None,
        conversation: &[],
    },
    DemoTicket {
        community: "aurora",
        requester: "rita@aurora.example",
        request_type: RequestType::WorkshopRequest,
        priority: Priority::Normal,
        title: "Workshop for 40 people in December",
        description: "A one-day introduction to Python for new staff.",
        confidential: false,
        answers: &[("workshop_date", "2026-12-10"), ("participants", "40"), ("environment", "hub.aurora.example")],
        steps: &[Action::Triage, Action::WaitOnRequester],
        assignee: None,
        conversation: &[("tess@steward.example", "Which image should the workshop use?", false)],
    },
    DemoTicket {
        community: "borealis",
        requester: "bea@borealis.example",
        request_type: RequestType::ProblemTroubleshooting,
        priority: Priority::Urgent,
        title: "Dask clusters fail to start",
        description: "Creating a Dask Gateway cluster hangs and then fails.",
        confidential: false,
        answers: &[
            ("environment", "lab.borealis.example"),
            ("expected", "A cluster with 4 workers starts within a minute."),
            ("actual", "After 5 minutes: 'Cluster failed to start: timeout'."),
        ],
        steps: &[Action::Triage],
        assignee: Some("sam@steward.example"),
        conversation: &[("sam@steward.example", "Gateway pod is crash-looping on a bad config push.", true)],
    },
    DemoTicket {
        community: "borealis",
        requester: "bea@borealis.example",
        request_type: RequestType::ChangeRequest,
        priority: Priority::Normal,
        title: "Raise the home directory quota to 20 GB",
        description: "Several researchers hit the 10 GB limit.",
        confidential: true,
        answers: &[
            ("environment", "lab.borealis.example"),
            ("desired_change", "Home directory quota from 10 GB to 20 GB."),
            ("reason", "Researchers keep intermediate data at home."),
        ],
        steps: &[Action::Triage, Action::Start, Action::Resolve],
        assignee: Some("tess@steward.example"),
        conversation: &[(
            "tess@steward.example",
            "Done: quotas are now 20 GB. Can you confirm it works for you?",
            false,
        )],
    },
];

/// Loads the demo data into a migrated database. Tickets are filed, answered, assigned and
/// moved through the same use cases people use, so they look exactly as if people had.
pub async fn load(database_url: &str) -> anyhow::Result<Loaded> {
    let files = crate::files::Files::open(&crate::config::FilesSettings::from_env()?)?;
    let core = Core::for_command(db::pool(database_url, 2)?, crate::config::MailSettings::from_env()?, files);
    let mut conn = core.pool.get().await?;
    let mut loaded = Loaded::default();
    let hash = credentials::hashed_in_turn(DEMO_PASSWORD.to_owned()).await?;
    for (email, name, staff_role) in PEOPLE {
        if people::find_by_email(&mut conn, email).await?.is_none() {
            people::insert(
                &mut conn,
                people::NewPerson { email, display_name: name, password_hash: &hash, staff_role: *staff_role },
            )
            .await?;
            loaded.people += 1;
        }
    }
    for (slug, name) in COMMUNITIES {
        if communities::find_by_slug(&mut conn, slug).await?.is_none() {
            let community = communities::insert(&mut conn, slug, name).await?;
            if let Some((_, hours, period)) = BUDGETS.iter().find(|(budget_slug, _, _)| budget_slug == slug) {
                triage::set_budget(&mut conn, community.id, Some(*hours), *period).await?;
            }
            loaded.communities += 1;
        }
    }
    if support_policy::get(&mut conn).await?.security_contact.is_empty() {
        support_policy::set(&mut conn, &demo_support_policy(), core.now()).await?;
    }
    for (email, slug, role) in MEMBERSHIPS {
        let person = person_id(&mut conn, email).await?;
        let community = community_id(&mut conn, slug).await?;
        people::set_membership(&mut conn, person, community, *role).await?;
    }
    // The support rotation (seed 002): the team, started two weeks before this week's Monday,
    // so Ada and Sam are on duty now and Tess joins next. Before the tickets: the production-down
    // one pages the one on duty.
    let members: i64 = schema::rotation_members::table.count().get_result(&mut conn).await?;
    if members == 0 {
        let today = core.now().date_naive();
        let monday = today - chrono::Days::new(u64::from(today.weekday().num_days_from_monday()));
        let mut team = Vec::new();
        for (email, _, role) in PEOPLE {
            if role.is_some() {
                team.push(person_id(&mut conn, email).await?);
            }
        }
        rotation::set(&conn, monday - chrono::Days::new(14), 2, &team).await?;
    }
    for (slug, _) in COMMUNITIES {
        let community = community_id(&mut conn, slug).await?;
        let existing: i64 = schema::tickets::table
            .filter(schema::tickets::community_id.eq(community))
            .count()
            .get_result(&mut conn)
            .await?;
        if existing > 0 {
            continue;
        }
        for demo in TICKETS.iter().filter(|t| t.community == *slug) {
            file(&core, &mut conn, community, demo).await?;
            loaded.tickets += 1;
        }
    }
    let incidents: i64 = schema::incidents::table.count().get_result(&mut conn).await?;
    if incidents == 0 {
        declare_demo_incident(&core, &mut conn).await?;
        loaded.incidents += 1;
    }
    // A mail from someone Steward does not know, waiting on the Email page (received once: its
    // Message-ID makes receiving it again a no-op).
    let incoming = crate::email::parse(HELD_MAIL.as_bytes(), core.mail.max_bytes)?;
    usecases::mail::receive(&core, incoming).await?;
    Ok(loaded)
}

/// A request from a new community's lead, by email, before anyone added her to Steward.
const HELD_MAIL: &str = "From: Dana Doe <dana@cirrus.example>\r\n\
To: support@steward.localhost\r\n\
Subject: Can Cirrus College get a hub for the spring term?\r\n\
Message-ID: <demo-held-1@cirrus.example>\r\n\
Date: Mon, 30 Nov 2026 08:12:00 +0000\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
\r\n\
Hello,\r\n\
\r\n\
We are 40 students and two teachers and would like a JupyterHub from February. Who do we talk to?\r\n\
\r\n\
Dana\r\n\
-- \r\n\
Dana Doe, Cirrus College\r\n";

/// Aurora's production-down ticket, escalated into an incident that Sam commands, with one
/// internal note and one public update, shown on the status page.
async fn declare_demo_incident(core: &Core, conn: &mut AsyncPgConnection) -> AppResult<()> {
    let steward = principal(conn, "sam@steward.example").await?;
    let ticket: i64 = schema::tickets::table
        .filter(schema::tickets::request_type.eq(RequestType::Incident.as_str()))
        .select(schema::tickets::number)
        .order(schema::tickets::number)
        .first(conn)
        .await?;
    let declaration = usecases::incidents::Declaration {
        title: "Servers do not start on the Aurora hub".to_owned(),
        severity: Priority::ProductionDown,
        commander_id: None,
        escalated_ticket: Some(ticket),
    };
    let incident = usecases::incidents::declare(core, Actor::Person(&steward), declaration).await?;
    let number = incident.number;
    let note = "The node pool hit its quota at 09:05; **autoscaling** is stuck.";
    usecases::incidents::post_update(core, Actor::Person(&steward), number, note, false).await?;
    let update = "We know why servers do not start and are adding capacity. Next update within the hour.";
    usecases::incidents::post_update(core, Actor::Person(&steward), number, update, true).await?;
    usecases::incidents::set_public(core, Actor::Person(&steward), number, true).await?;
    Ok(())
}

async fn person_id(conn: &mut AsyncPgConnection, email: &str) -> AppResult<i64> {
    let found = people::find_by_email(conn, email).await?;
    found.map(|(p, _)| p.id).ok_or(AppError::NotFound("demo person"))
}

async fn principal(conn: &mut AsyncPgConnection, email: &str) -> AppResult<Principal> {
    let id = person_id(conn, email).await?;
    people::principal(conn, id).await?.ok_or(AppError::NotFound("demo person"))
}

async fn community_id(conn: &mut AsyncPgConnection, slug: &str) -> AppResult<i64> {
    let found = communities::find_by_slug(conn, slug).await?;
    found.map(|c| c.id).ok_or(AppError::NotFound("demo community"))
}

async fn file(core: &Core, conn: &mut AsyncPgConnection, community: i64, demo: &DemoTicket) -> AppResult<()> {
    let requester = principal(conn, demo.requester).await?;
    let steward = principal(conn, "sam@steward.example").await?;
    let draft = RequestDraft {
        request_type: Some(demo.request_type),
        priority: Some(demo.priority),
        title: demo.title.to_owned(),
        description: demo.description.to_owned(),
        confidential: demo.confidential,
        answers: demo.answers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
    };
    let mut ticket = usecases::tickets::file(
        core,
        &requester,
        NewRequest { community_id: community, draft, attachment_ids: Vec::new() },
    )
    .await?;
    if let Some(email) = demo.assignee {
        let assignee = person_id(conn, email).await?;
        let edit = FieldsEdit { assignee_id: Some(Some(assignee)), ..FieldsEdit::default() };
        let update = FieldsUpdate { number: ticket.number, expected_version: ticket.version, edit };
        ticket = usecases::tickets::update(core, Actor::Person(&steward), update).await?;
    }
    for (email, body, internal) in demo.conversation {
        let author = principal(conn, email).await?;
        let visibility = if *internal { Visibility::Internal } else { Visibility::Public };
        let message =
            NewMessage { number: ticket.number, body: body.to_string(), visibility, attachment_ids: Vec::new() };
        usecases::tickets::reply(core, &author, message).await?;
    }
    for &action in demo.steps {
        let current = tickets::find(conn, ticket.number).await?.ok_or(AppError::NotFound("demo ticket"))?;
        let step = Step { number: current.number, expected_version: current.version, action, reason: None };
        usecases::tickets::transition(core, Actor::Person(&steward), step).await?;
    }
    Ok(())
}
