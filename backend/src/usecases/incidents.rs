//! Incident use cases (seed 002): declare one (from scratch or by escalating a ticket), link
//! tickets and name affected communities, take a phase step, hand over command and change the
//! other roles, post updates, pin key moments, keep the response's tasks, write the report and
//! its action items, confirm a resolution, show an incident on the status page, and set the
//! update cadence. The rules are
//! `steward_domain::incident`'s; each change locks the incident, checks the version the caller
//! saw where a person chose from what they saw, and appends its timeline entry in the same
//! transaction. A public update goes out as a public reply on every linked ticket, in that
//! transaction too, so representatives read it on their own tickets.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use steward_domain::conversation::{self, Visibility};
use steward_domain::facts::Principal;
use steward_domain::incident::{self, Cadence, CloseFacts, IncidentEvent, Phase, ReportState, Roster, Step};
use steward_domain::intake::FieldError;
use steward_domain::lifecycle::{self, Action};
use steward_domain::notify::NewsKind;
use steward_domain::webhooks::WebhookEvent;
use steward_domain::{Priority, TicketState, authz};

use super::notify::{tell, tell_with};
use super::tickets::{post_message, take_step, visible_ticket};
use super::{Actor, Core};
use crate::db::models::incident_reports::{self, ActionItem, Moments, NewActionItem, Report, Sections};
use crate::db::models::incidents::{self, Change, Incident, Task};
use crate::db::models::{About, communities, people, rotation, tickets};
use crate::error::{AppError, AppResult};

const STAFF_ONLY: &str = "Only the support team runs incidents.";

/// A new incident.
#[derive(Clone, Debug)]
pub struct Declaration {
    pub title: String,
    pub severity: Priority,
    /// Who commands it: whoever declares it, unless they name someone else on the team.
    pub commander_id: Option<i64>,
    /// The ticket it is escalated from, linked at once.
    pub escalated_ticket: Option<i64>,
}

/// The incident, if `who` may see it; NotFound whether it is missing or hidden.
pub async fn visible_incident(
    conn: &mut AsyncPgConnection,
    who: &Principal,
    number: i64,
    lock: bool,
) -> AppResult<(Incident, Vec<i64>)> {
    let found = incidents::find(conn, number, lock).await?;
    let Some(incident) = found else { return Err(AppError::NotFound("incident")) };
    let affected: Vec<i64> =
        incidents::affected_communities(conn, &[number]).await?.into_iter().map(|(_, community)| community).collect();
    if authz::can_view_incident(who, &affected) {
        Ok((incident, affected))
    } else {
        Err(AppError::NotFound("incident"))
    }
}

fn run_by(actor: Actor<'_>) -> AppResult<&Principal> {
    match actor.person() {
        Some(who) if authz::can_run_incidents(who) => Ok(who),
        _ => Err(AppError::PermissionDenied(STAFF_ONLY)),
    }
}

/// Appends `event` by `who` to the incident's timeline and moves its version on (for changes
/// that leave its own row as it is: links, roles, confirmations, publicity).
async fn record_change(
    conn: &mut AsyncPgConnection,
    who: &Principal,
    incident: &Incident,
    event: &IncidentEvent,
    now: DateTime<Utc>,
) -> AppResult<Incident> {
    incidents::record(conn, incident.number, Some(who.person_id), event, now).await?;
    incidents::apply(conn, incident.number, Change::keeping(incident), now).await
}

/// Tells the representatives of every community the incident affects `news` (with an update's
/// text, leaving out the people who read it on their own linked tickets).
async fn tell_affected(
    conn: &mut AsyncPgConnection,
    incident: &Incident,
    news: &str,
    update: Option<(&str, &[i64])>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let affected = incidents::affected_communities(conn, &[incident.number]).await?;
    let mut representatives = Vec::new();
    for (_, community) in affected {
        representatives.extend(people::representatives_of(conn, community).await?);
    }
    let (details, told_already) = update.unzip();
    representatives.retain(|person| !told_already.unwrap_or_default().contains(person));
    let about = About::Incident(incident.number);
    tell_with(conn, NewsKind::IncidentUpdate, &representatives, about, news, details, now).await
}

/// The problem with `field` if `person_id` is not on the support team.
async fn not_staff(conn: &mut AsyncPgConnection, field: &'static str, person_id: i64) -> AppResult<Option<FieldError>> {
    Ok(match people::find(conn, person_id).await? {
        Some(person) if person.staff_role.is_some() => None,
        _ => Some(FieldError::new(field, "Choose someone on the support team.")),
    })
}

/// Declares an incident: the declarer (or the person they name) commands it, the people on
/// support duty are its support stewards, and an escalated ticket is linked at once.
pub async fn declare(core: &Core, actor: Actor<'_>, declaration: Declaration) -> AppResult<Incident> {
    let who = run_by(actor)?;
    let now = core.now();
    let mut conn = core.pool.get().await?;
    let title = declaration.title.trim().to_owned();
    let commander = declaration.commander_id.unwrap_or(who.person_id);
    let mut errors = Vec::new();
    if title.is_empty() || title.chars().count() > 200 {
        errors.push(FieldError::new("title", "Give the incident a title (up to 200 characters)."));
    }
    errors.extend(not_staff(&mut conn, "commander_id", commander).await?);
    if !errors.is_empty() {
        return Err(AppError::InvalidArgument(errors));
    }
    let today = now.date_naive();
    let on_duty: Vec<i64> = rotation::on_duty(&conn, today).await?;
    let incident = conn
        .transaction(async |conn| {
            let cadence = incidents::cadence(conn).await?;
            let due = cadence.next_update_due(declaration.severity, Phase::Investigating, now);
            let new = incidents::NewIncident {
                title: &title,
                severity: declaration.severity,
                declared_by: who.person_id,
                at: now,
                next_update_due: due,
            };
            let incident = incidents::insert(conn, new).await?;
            incidents::start_roster(conn, incident.number, &Roster::declared(commander, &on_duty, now)).await?;
            let declared = IncidentEvent::Declared {
                title: incident.title.clone(),
                severity: incident.severity,
                commander_id: commander,
                escalated_ticket: declaration.escalated_ticket,
            };
            incidents::record(conn, incident.number, Some(who.person_id), &declared, now).await?;
            super::webhooks::incident_changed(conn, &incident, WebhookEvent::IncidentDeclared, None, now).await?;
            // A production-down ticket escalated into the incident has paged already: its page
            // goes on; the incident does not page the same people again.
            let ticket_paging = match declaration.escalated_ticket {
                Some(number) => super::paging::is_paging(conn, About::Ticket(number)).await?,
                None => false,
            };
            if !ticket_paging {
                super::paging::incident_changed(conn, &incident, None, now).await?;
            }
            if let Some(ticket_number) = declaration.escalated_ticket {
                link(conn, who, &incident, ticket_number, now).await?;
            }
            let about = About::Incident(incident.number);
            let line = format!("incident {}: {}", incident.number, incident.title);
            if commander != who.person_id {
                let news = format!("{} made you the commander of {line}.", who.display_name);
                tell(conn, NewsKind::IncidentRole, &[commander], about, &news, now).await?;
            }
            let stewards: Vec<i64> =
                on_duty.iter().copied().filter(|p| *p != who.person_id && *p != commander).collect();
            let news = format!("You are a support steward on {line} (you are on support duty).");
            tell(conn, NewsKind::IncidentRole, &stewards, about, &news, now).await?;
            Ok::<_, AppError>(incident)
        })
        .await?;
    core.live.committed();
    tracing::info!(number = incident.number, person_id = who.person_id, "incident declared");
    Ok(incident)
}

/// Links a ticket to the incident (in the caller's transaction); its community becomes affected.
async fn link(
    conn: &mut AsyncPgConnection,
    who: &Principal,
    incident: &Incident,
    ticket_number: i64,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let ticket = match visible_ticket(conn, Actor::Person(who), ticket_number).await {
        Err(AppError::NotFound(_)) => {
            return Err(AppError::invalid("ticket_number", format!("There is no ticket #{ticket_number}.")));
        }
        found => found?,
    };
    if let Some(other) = incidents::incident_of_ticket(conn, ticket.number).await? {
        let message = if other == incident.number {
            format!("Ticket #{} is linked to this incident already.", ticket.number)
        } else {
            format!("Ticket #{} is linked to incident {other} already.", ticket.number)
        };
        return Err(AppError::invalid("ticket_number", message));
    }
    incidents::link_ticket(conn, incident.number, ticket.number, now).await?;
    incidents::add_community(conn, incident.number, ticket.community_id).await?;
    let linked = IncidentEvent::TicketLinked { ticket_number: ticket.number, community_id: ticket.community_id };
    incidents::record(conn, incident.number, Some(who.person_id), &linked, now).await
}

/// Links another ticket (of any community) to the incident.
pub async fn link_ticket(core: &Core, actor: Actor<'_>, number: i64, ticket_number: i64) -> AppResult<Incident> {
    let who = run_by(actor)?;
    let now = core.now();
    let mut conn = core.pool.get().await?;
    let incident = conn
        .transaction(async |conn| {
            let (incident, _) = visible_incident(conn, who, number, true).await?;
            if incident.phase == Phase::Closed {
                return Err(AppError::invalid(
                    "ticket_number",
                    "The incident is closed; link the ticket to a new one.",
                ));
            }
            link(conn, who, &incident, ticket_number, now).await?;
            let change = Change::keeping(&incident);
            incidents::apply(conn, number, change, now).await
        })
        .await?;
    core.live.committed();
    Ok(incident)
}

/// What a step did: the incident as it now is and, when resolving took its linked tickets
/// along, which were resolved and which were left as they were (with why).
#[derive(Clone, Debug)]
pub struct Stepped {
    pub incident: Incident,
    pub tickets_resolved: Vec<i64>,
    pub tickets_left: Vec<(i64, String)>,
}

/// Takes a phase step on the incident at the version the caller saw. Resolving stops the update
/// clock and starts the report, and with `resolve_linked_tickets` resolves every linked ticket the
/// ticket lifecycle lets resolve (the others are left, each with the reason); reopening starts
/// the clock again; closing needs what [`incident::may_close`] asks for.
pub async fn step(
    core: &Core,
    actor: Actor<'_>,
    number: i64,
    expected_version: i64,
    step: Step,
    resolve_linked_tickets: bool,
) -> AppResult<Stepped> {
    let who = run_by(actor)?;
    let now = core.now();
    let mut conn = core.pool.get().await?;
    let incident = conn
        .transaction(async |conn| {
            let (incident, affected) = visible_incident(conn, who, number, true).await?;
            if incident.version != expected_version {
                return Err(AppError::StaleVersion { current: incident.version });
            }
            let to = incident::next_phase(incident.phase, step).map_err(AppError::IncidentStep)?;
            match step {
                Step::Close => {
                    let report = incident_reports::find(conn, number, false).await?;
                    let confirmed = incident_reports::confirmed_communities(conn, number).await?;
                    // Seed 002: 48 working hours, on the team's business calendar.
                    let policy = super::service_levels::Policy::current(conn).await?;
                    let business = policy.calendar(policy.settings.business_calendar_id).map(|(_, c)| c.clone());
                    let calendar = business.unwrap_or_else(steward_domain::calendar::Calendar::always);
                    let facts = CloseFacts {
                        report: report.map_or(ReportState::Draft, |r| r.state),
                        quiet_until: incident::quiet_until(incident.resolved_at.unwrap_or(now), &calendar),
                        confirmed: affected.iter().all(|community| confirmed.contains(community)),
                    };
                    incident::may_close(facts, now).map_err(AppError::IncidentClose)?;
                }
                Step::Resolve => start_report(conn, number, now).await?,
                Step::Reopen => incident_reports::clear_confirmations(conn, number).await?,
                _ => {}
            }
            let cadence = incidents::cadence(conn).await?;
            let change = Change {
                phase: to,
                next_update_due: match step {
                    Step::Reopen => cadence.next_update_due(incident.severity, to, now),
                    _ => incident.next_update_due.filter(|_| to.is_active()),
                },
                resolved_at: if to == Phase::Resolved {
                    Some(now)
                } else {
                    incident.resolved_at.filter(|_| !to.is_active())
                },
                closed_at: (to == Phase::Closed).then_some(now),
            };
            let stepped = incidents::apply(conn, number, change, now).await?;
            let event = IncidentEvent::Stepped { step, from: incident.phase, to };
            incidents::record(conn, number, Some(who.person_id), &event, now).await?;
            super::paging::incident_changed(conn, &stepped, Some((incident.severity, incident.phase)), now).await?;
            if step == Step::Resolve {
                super::webhooks::incident_changed(conn, &stepped, WebhookEvent::IncidentResolved, None, now).await?;
                let news = format!(
                    "Incident {} ({}) is resolved. If all works for your community again, confirm it on the incident's page.",
                    stepped.number, stepped.title
                );
                tell_affected(conn, &stepped, &news, None, now).await?;
            }
            let (mut tickets_resolved, mut tickets_left) = (Vec::new(), Vec::new());
            if step == Step::Resolve && resolve_linked_tickets {
                for (ticket_number, _, _) in incidents::linked_tickets(conn, number).await? {
                    let ticket = tickets::find(conn, ticket_number).await?.ok_or(AppError::NotFound("ticket"))?;
                    if matches!(ticket.state, TicketState::Resolved | TicketState::Closed) {
                        continue;
                    }
                    // A ticket the lifecycle will not resolve (one still awaiting approval) is
                    // left as it is; the rest of the step goes ahead.
                    let allowed =
                        lifecycle::next_state(ticket.state, Action::Resolve).map(|_| ()).map_err(|r| r.to_string());
                    match allowed {
                        Ok(()) => {
                            take_step(conn, Actor::Person(who), &ticket, Action::Resolve, None, None, now).await?;
                            tickets_resolved.push(ticket.number);
                        }
                        Err(why) => tickets_left.push((ticket.number, why)),
                    }
                }
            }
            Ok::<_, AppError>(Stepped { incident: stepped, tickets_resolved, tickets_left })
        })
        .await?;
    core.live.committed();
    tracing::info!(number, person_id = who.person_id, phase = incident.incident.phase.as_str(), "incident stepped");
    Ok(incident)
}

/// Hands command of the incident to `to`, at once: the current command ends as the new starts.
pub async fn hand_over(core: &Core, actor: Actor<'_>, number: i64, to: i64) -> AppResult<Incident> {
    let who = run_by(actor)?;
    let now = core.now();
    let mut conn = core.pool.get().await?;
    if let Some(error) = not_staff(&mut conn, "person_id", to).await? {
        return Err(error.into());
    }
    let incident = conn
        .transaction(async |conn| {
            let (incident, _) = visible_incident(conn, who, number, true).await?;
            let (roster, ids) = incidents::roster(conn, number).await?;
            let from = roster
                .commander()
                .ok_or_else(|| AppError::internal(anyhow::anyhow!("incident {number} has no commander")))?;
            let change = roster
                .hand_over(to, incident.phase, now)
                .map_err(|refused| AppError::invalid("person_id", refused.to_string()))?;
            incidents::change_roles(conn, number, &ids, &change, now).await?;
            let event = IncidentEvent::CommandHandedOver { from_person_id: from, to_person_id: to };
            if to != who.person_id {
                let news = format!(
                    "{} handed you command of incident {}: {}.",
                    who.display_name, incident.number, incident.title
                );
                tell(conn, NewsKind::IncidentRole, &[to], About::Incident(number), &news, now).await?;
            }
            record_change(conn, who, &incident, &event, now).await
        })
        .await?;
    core.live.committed();
    tracing::info!(number, to, "incident command handed over");
    Ok(incident)
}

/// Posts an update. A public one goes out as a public reply on every linked ticket and sets
/// when the next is due (the severity's cadence); an internal one stays on the timeline.
pub async fn post_update(core: &Core, actor: Actor<'_>, number: i64, body: &str, public: bool) -> AppResult<Incident> {
    let who = run_by(actor)?;
    let body = conversation::message_body(body)?;
    let now = core.now();
    let mut conn = core.pool.get().await?;
    let incident = conn
        .transaction(async |conn| {
            let (incident, _) = visible_incident(conn, who, number, true).await?;
            if incident.phase == Phase::Closed {
                return Err(AppError::invalid("body", "The incident is closed; its timeline is history."));
            }
            let mut due = incident.next_update_due;
            if public {
                let mut requesters = Vec::new();
                for (ticket_number, _, _) in incidents::linked_tickets(conn, number).await? {
                    let ticket = tickets::find(conn, ticket_number).await?.ok_or(AppError::NotFound("ticket"))?;
                    post_message(conn, who, &ticket, &body, Visibility::Public, now).await?;
                    tickets::touch(conn, ticket_number, now).await?;
                    requesters.push(ticket.requester_id);
                }
                due = incidents::cadence(conn).await?.next_update_due(incident.severity, incident.phase, now);
                // Those who requested a linked ticket read the update there (and by its mail).
                let news = format!("Update on incident {} ({}).", incident.number, incident.title);
                tell_affected(conn, &incident, &news, Some((&body, &requesters)), now).await?;
            }
            let event = IncidentEvent::UpdatePosted { body: body.clone(), public, next_update_due: due };
            incidents::record(conn, number, Some(who.person_id), &event, now).await?;
            if public {
                let update = WebhookEvent::IncidentUpdated;
                super::webhooks::incident_changed(conn, &incident, update, Some(&body), now).await?;
            }
            let change = Change { next_update_due: due, ..Change::keeping(&incident) };
            incidents::apply(conn, number, change, now).await
        })
        .await?;
    core.live.committed();
    Ok(incident)
}

/// Puts `person_id` (on the support team) in `role`, or takes them out of it when `joined` is
/// false. Joining as commander is a [`hand_over`]; the commander never just leaves, so there
/// always is one.
pub async fn set_role(
    core: &Core,
    actor: Actor<'_>,
    number: i64,
    person_id: i64,
    role: incident::Role,
    joined: bool,
) -> AppResult<Incident> {
    if role == incident::Role::Commander && joined {
        return hand_over(core, actor, number, person_id).await;
    }
    let who = run_by(actor)?;
    let now = core.now();
    let mut conn = core.pool.get().await?;
    if joined && let Some(error) = not_staff(&mut conn, "person_id", person_id).await? {
        return Err(error.into());
    }
    let incident = conn
        .transaction(async |conn| {
            let (incident, _) = visible_incident(conn, who, number, true).await?;
            let (roster, ids) = incidents::roster(conn, number).await?;
            let change = if joined {
                roster.join(person_id, role, incident.phase, now)
            } else {
                roster.leave(person_id, role, incident.phase)
            };
            let change = change.map_err(|refused| AppError::invalid("person_id", refused.to_string()))?;
            incidents::change_roles(conn, number, &ids, &change, now).await?;
            if joined && person_id != who.person_id {
                let news = format!(
                    "{} made you {} on incident {}: {}.",
                    who.display_name,
                    role.label().to_lowercase(),
                    incident.number,
                    incident.title
                );
                tell(conn, NewsKind::IncidentRole, &[person_id], About::Incident(number), &news, now).await?;
            }
            record_change(conn, who, &incident, &IncidentEvent::RoleChanged { person_id, role, joined }, now).await
        })
        .await?;
    core.live.committed();
    Ok(incident)
}

/// Names a community as affected by hand (besides those of the linked tickets).
pub async fn add_community(core: &Core, actor: Actor<'_>, number: i64, community_id: i64) -> AppResult<Incident> {
    let who = run_by(actor)?;
    let now = core.now();
    let mut conn = core.pool.get().await?;
    if communities::find(&mut conn, community_id).await?.is_none() {
        return Err(AppError::invalid("community_id", "There is no such community."));
    }
    let incident = conn
        .transaction(async |conn| {
            let (incident, _) = visible_incident(conn, who, number, true).await?;
            if !incidents::add_community(conn, number, community_id).await? {
                return Err(AppError::invalid("community_id", "That community is affected already."));
            }
            record_change(conn, who, &incident, &IncidentEvent::CommunityAdded { community_id }, now).await
        })
        .await?;
    core.live.committed();
    Ok(incident)
}

/// Starts the report of an incident being resolved (in the caller's transaction): owned by the
/// commander, due [`incident::REPORT_DUE_AFTER`] later, its timeline drafted from the pinned
/// entries (the key moments), or from the public ones when nothing is pinned.
async fn start_report(conn: &mut AsyncPgConnection, number: i64, now: DateTime<Utc>) -> AppResult<()> {
    let (roster, _) = incidents::roster(conn, number).await?;
    let owner =
        roster.commander().ok_or_else(|| AppError::internal(anyhow::anyhow!("incident {number} has no commander")))?;
    let pinned = incidents::pinned(conn, number).await?;
    let mut lines: Vec<String> = if pinned.is_empty() {
        let entries = incidents::timeline(conn, number, false).await?;
        entries.iter().filter_map(|e| e.event.report_line(e.at)).collect()
    } else {
        let entries = incidents::timeline(conn, number, true).await?;
        entries.iter().filter(|e| pinned.contains(&e.id)).filter_map(|e| e.event.key_moment_line(e.at)).collect()
    };
    lines.push(format!("- {}: resolved", now.format("%Y-%m-%d %H:%M UTC")));
    incident_reports::start(conn, number, owner, incident::report_due(now), &lines.join("\n"), now).await
}

/// The incident's report, if `who` may read it: staff always; the affected communities once it
/// is published. NotFound otherwise, and while there is none (the incident is not resolved).
pub async fn report(core: &Core, who: &Principal, number: i64) -> AppResult<(Incident, Report, Vec<ActionItem>)> {
    let mut conn = core.pool.get().await?;
    let (incident, _) = visible_incident(&mut conn, who, number, false).await?;
    let report = incident_reports::find(&mut conn, number, false).await?.ok_or(AppError::NotFound("report"))?;
    if !authz::can_see_internal_incident_entries(who) && report.state != ReportState::Published {
        return Err(AppError::NotFound("report"));
    }
    let items = incident_reports::action_items(&mut conn, number).await?;
    Ok((incident, report, items))
}

/// What a person edits of the report.
#[derive(Clone, Debug)]
pub struct ReportEdit {
    pub expected_version: i64,
    pub owner_id: i64,
    pub sections: Sections,
    pub moments: Moments,
}

/// A locked report of a visible incident, for a change by the team.
async fn report_for_change(
    conn: &mut AsyncPgConnection,
    who: &Principal,
    number: i64,
    expected_version: i64,
) -> AppResult<Report> {
    visible_incident(conn, who, number, true).await?;
    let report = incident_reports::find(conn, number, true).await?.ok_or(AppError::NotFound("report"))?;
    if report.version != expected_version {
        return Err(AppError::StaleVersion { current: report.version });
    }
    Ok(report)
}

/// Saves the report's sections, moments and owner (until it is published).
pub async fn save_report(core: &Core, actor: Actor<'_>, number: i64, edit: ReportEdit) -> AppResult<Report> {
    let who = run_by(actor)?;
    let now = core.now();
    let mut conn = core.pool.get().await?;
    let mut errors = Vec::new();
    errors.extend(not_staff(&mut conn, "owner_id", edit.owner_id).await?);
    let m = edit.moments;
    let in_order = |a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>| a.zip(b).is_none_or(|(a, b)| a <= b);
    if !in_order(m.started_at, m.detected_at) {
        errors.push(FieldError::new("detected_at", "It cannot have been detected before it started."));
    }
    if !in_order(m.detected_at, m.mitigated_at) || !in_order(m.started_at, m.mitigated_at) {
        errors
            .push(FieldError::new("mitigated_at", "It cannot have been mitigated before it started or was detected."));
    }
    for (field, text) in [
        ("summary", &edit.sections.summary),
        ("impact", &edit.sections.impact),
        ("timeline", &edit.sections.timeline),
        ("contributing_factors", &edit.sections.contributing_factors),
        ("went_well", &edit.sections.went_well),
        ("went_poorly", &edit.sections.went_poorly),
    ] {
        if text.chars().count() > REPORT_SECTION_MAX_CHARS {
            errors.push(FieldError::new(field, format!("Keep it under {REPORT_SECTION_MAX_CHARS} characters.")));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::InvalidArgument(errors));
    }
    let report = conn
        .transaction(async |conn| {
            let report = report_for_change(conn, who, number, edit.expected_version).await?;
            if !incident::report_editable(report.state) {
                return Err(AppError::invalid("summary", "The report is published; it stays as it was published."));
            }
            incident_reports::save(conn, number, edit.owner_id, &edit.sections, edit.moments, now).await
        })
        .await?;
    core.live.committed();
    Ok(report)
}

/// The longest a report section may be.
pub const REPORT_SECTION_MAX_CHARS: usize = 20_000;

/// Moves the report (Draft -> In review -> Published, or back to the draft from review).
pub async fn move_report(
    core: &Core,
    actor: Actor<'_>,
    number: i64,
    expected_version: i64,
    to: ReportState,
) -> AppResult<Report> {
    let who = run_by(actor)?;
    let now = core.now();
    let mut conn = core.pool.get().await?;
    let report = conn
        .transaction(async |conn| {
            let report = report_for_change(conn, who, number, expected_version).await?;
            incident::move_report(report.state, to)
                .map_err(|refused| AppError::invalid("state", refused.to_string()))?;
            let moved = incident_reports::set_state(conn, number, to, now).await?;
            let event = IncidentEvent::ReportMoved { from: report.state, to };
            incidents::record(conn, number, Some(who.person_id), &event, now).await?;
            Ok::<_, AppError>(moved)
        })
        .await?;
    core.live.committed();
    Ok(report)
}

/// A new action item for the report, as typed.
#[derive(Clone, Debug)]
pub struct NewItem {
    pub title: String,
    pub owner_id: Option<i64>,
    /// YYYY-MM-DD, or blank for none.
    pub due_on: String,
    /// The engineering issue's address, or blank for none.
    pub issue_url: String,
}

/// Adds an action item (until the report is published).
pub async fn add_action_item(core: &Core, actor: Actor<'_>, number: i64, item: NewItem) -> AppResult<ActionItem> {
    let who = run_by(actor)?;
    let now = core.now();
    let mut conn = core.pool.get().await?;
    let title = item.title.trim().to_owned();
    let mut errors = Vec::new();
    if title.is_empty() || title.chars().count() > 200 {
        errors.push(FieldError::new("title", "Say what will be done (up to 200 characters)."));
    }
    if let Some(owner) = item.owner_id {
        errors.extend(not_staff(&mut conn, "owner_id", owner).await?);
    }
    let due_on = match item.due_on.trim() {
        "" => None,
        text => match chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(day) => Some(day),
            Err(_) => {
                errors.push(FieldError::new("due_on", "Give the day as YYYY-MM-DD."));
                None
            }
        },
    };
    let issue_url = Some(item.issue_url.trim()).filter(|u| !u.is_empty());
    if let Some(url) = issue_url
        && !matches!(url::Url::parse(url).map(|u| u.scheme().to_owned()).as_deref(), Ok("http" | "https"))
    {
        errors.push(FieldError::new("issue_url", "Give the engineering issue's web address (http or https)."));
    }
    if !errors.is_empty() {
        return Err(AppError::InvalidArgument(errors));
    }
    let added = conn
        .transaction(async |conn| {
            visible_incident(conn, who, number, true).await?;
            let report = incident_reports::find(conn, number, true).await?.ok_or(AppError::NotFound("report"))?;
            if !incident::report_editable(report.state) {
                return Err(AppError::invalid("title", "The report is published; it stays as it was published."));
            }
            let new = NewActionItem { title: &title, owner_id: item.owner_id, due_on, issue_url };
            incident_reports::add_action_item(conn, number, new, now).await
        })
        .await?;
    core.live.committed();
    Ok(added)
}

/// Marks an action item done, or not done again (also after publication: the work goes on).
pub async fn set_action_item_done(core: &Core, actor: Actor<'_>, number: i64, id: i64, done: bool) -> AppResult<()> {
    let who = run_by(actor)?;
    let mut conn = core.pool.get().await?;
    visible_incident(&mut conn, who, number, false).await?;
    if !incident_reports::set_action_item_done(&mut conn, number, id, done).await? {
        return Err(AppError::NotFound("action item"));
    }
    core.live.committed();
    Ok(())
}

/// A representative of an affected community confirms the resolution for it.
pub async fn confirm_resolution(core: &Core, who: &Principal, number: i64) -> AppResult<Incident> {
    let now = core.now();
    let mut conn = core.pool.get().await?;
    let incident = conn
        .transaction(async |conn| {
            let (incident, affected) = visible_incident(conn, who, number, true).await?;
            if !affected.iter().any(|c| who.representative_of.contains(c)) {
                return Err(AppError::PermissionDenied(
                    "Only a representative of an affected community confirms the resolution.",
                ));
            }
            if incident.phase != Phase::Resolved {
                return Err(AppError::NothingToAnswer("The incident is not resolved; there is nothing to confirm."));
            }
            let mut current = incident;
            for &community in affected.iter().filter(|c| who.representative_of.contains(c)) {
                if incident_reports::confirm(conn, number, community, who.person_id, now).await? {
                    let event = IncidentEvent::ResolutionConfirmed { community_id: community };
                    current = record_change(conn, who, &current, &event, now).await?;
                }
            }
            Ok(current)
        })
        .await?;
    core.live.committed();
    Ok(incident)
}

/// Shows the incident on the public status page (its title, phase, affected communities and
/// public updates, readable without signing in), or takes it off.
pub async fn set_public(core: &Core, actor: Actor<'_>, number: i64, public: bool) -> AppResult<Incident> {
    let who = run_by(actor)?;
    let now = core.now();
    let mut conn = core.pool.get().await?;
    let incident = conn
        .transaction(async |conn| {
            let (incident, _) = visible_incident(conn, who, number, true).await?;
            if incident.public == public {
                return Ok(incident);
            }
            let changed = incidents::set_public(conn, number, public, now).await?;
            incidents::record(conn, number, Some(who.person_id), &IncidentEvent::PublicitySet { public }, now).await?;
            Ok::<_, AppError>(changed)
        })
        .await?;
    core.live.committed();
    Ok(incident)
}

/// Sets how often public updates are owed, per severity (admins only); the minutes of each
/// severity between 5 and a week.
pub async fn set_cadence(
    core: &Core,
    actor: Actor<'_>,
    production_down: i32,
    urgent: i32,
    normal: i32,
) -> AppResult<Cadence> {
    let who = match actor.person() {
        Some(who) if authz::can_configure(who) => who,
        _ => return Err(AppError::PermissionDenied("Only admins change how often incident updates are owed.")),
    };
    let cadence = Cadence::from_minutes(production_down, urgent, normal).map_err(|bad| {
        let field = |severity: Priority| match severity {
            Priority::ProductionDown => "production_down_minutes",
            Priority::Urgent => "urgent_minutes",
            Priority::Normal => "normal_minutes",
        };
        let range = incident::CADENCE_MINUTES;
        let message = format!("Give {} to {} minutes (a week).", range.start(), range.end());
        AppError::InvalidArgument(bad.into_iter().map(|s| FieldError::new(field(s), message.clone())).collect())
    })?;
    let mut conn = core.pool.get().await?;
    incidents::set_cadence(&mut conn, &cadence, who.person_id, core.now()).await?;
    tracing::info!(person_id = who.person_id, "incident cadence set");
    Ok(cadence)
}

/// How often public updates are owed now.
pub async fn cadence(core: &Core, who: &Principal) -> AppResult<Cadence> {
    if !authz::can_run_incidents(who) {
        return Err(AppError::PermissionDenied(STAFF_ONLY));
    }
    let mut conn = core.pool.get().await?;
    incidents::cadence(&mut conn).await
}

/// Pins an entry of the timeline as a key moment, or unpins it.
pub async fn pin_entry(core: &Core, actor: Actor<'_>, number: i64, entry_id: i64, pinned: bool) -> AppResult<Incident> {
    let who = run_by(actor)?;
    let now = core.now();
    let mut conn = core.pool.get().await?;
    let incident = conn
        .transaction(async |conn| {
            let (incident, _) = visible_incident(conn, who, number, true).await?;
            if !incidents::has_entry(conn, number, entry_id).await? {
                return Err(AppError::invalid("entry_id", "That entry is not on this incident's timeline."));
            }
            if !incidents::set_pinned(conn, number, entry_id, pinned, who.person_id, now).await? {
                return Ok(incident);
            }
            record_change(conn, who, &incident, &IncidentEvent::EntryPinned { entry_id, pinned }, now).await
        })
        .await?;
    core.live.committed();
    Ok(incident)
}

/// A task for the response, as typed.
#[derive(Clone, Debug)]
pub struct NewTask {
    pub title: String,
    pub owner_id: Option<i64>,
    pub due_at: Option<DateTime<Utc>>,
}

/// Adds a task to a running incident; every bad field is named at once.
pub async fn add_task(core: &Core, actor: Actor<'_>, number: i64, task: NewTask) -> AppResult<(Incident, Vec<Task>)> {
    let who = run_by(actor)?;
    let now = core.now();
    let title = task.title.trim().to_owned();
    let mut conn = core.pool.get().await?;
    let mut errors = Vec::new();
    if title.is_empty() || title.chars().count() > 200 {
        errors.push(FieldError::new("title", "Say what needs doing (up to 200 characters)."));
    }
    if let Some(owner) = task.owner_id
        && let Some(problem) = not_staff(&mut conn, "owner_id", owner).await?
    {
        errors.push(problem);
    }
    if !errors.is_empty() {
        return Err(AppError::InvalidArgument(errors));
    }
    let changed = conn
        .transaction(async |conn| {
            let (incident, _) = visible_incident(conn, who, number, true).await?;
            if incident.phase == Phase::Closed {
                return Err(AppError::invalid("title", "The incident is closed; its response is over."));
            }
            let added = incidents::add_task(conn, number, &title, task.owner_id, task.due_at, now).await?;
            let event = IncidentEvent::TaskAdded {
                task_id: added.id,
                title: added.title.clone(),
                owner_id: added.owner_id,
                due_at: added.due_at,
            };
            let incident = record_change(conn, who, &incident, &event, now).await?;
            Ok::<_, AppError>((incident, incidents::tasks(conn, number).await?))
        })
        .await?;
    core.live.committed();
    Ok(changed)
}

/// Gives a task to someone on the team (or nobody) and marks it done or open.
pub async fn set_task(
    core: &Core,
    actor: Actor<'_>,
    number: i64,
    task_id: i64,
    owner_id: Option<i64>,
    done: bool,
) -> AppResult<(Incident, Vec<Task>)> {
    let who = run_by(actor)?;
    let now = core.now();
    let mut conn = core.pool.get().await?;
    if let Some(owner) = owner_id
        && let Some(problem) = not_staff(&mut conn, "owner_id", owner).await?
    {
        return Err(AppError::InvalidArgument(vec![problem]));
    }
    let changed = conn
        .transaction(async |conn| {
            let (incident, _) = visible_incident(conn, who, number, true).await?;
            let task = incidents::set_task(conn, number, task_id, owner_id, done, now)
                .await?
                .ok_or_else(|| AppError::invalid("task_id", "This incident has no such task."))?;
            let event =
                IncidentEvent::TaskUpdated { task_id, title: task.title, owner_id: task.owner_id, done: task.done };
            let incident = record_change(conn, who, &incident, &event, now).await?;
            Ok::<_, AppError>((incident, incidents::tasks(conn, number).await?))
        })
        .await?;
    core.live.committed();
    Ok(changed)
}
