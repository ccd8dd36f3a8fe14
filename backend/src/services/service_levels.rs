//! `steward.v1.ServiceLevelService`: calendars, targets, a ticket's clocks, the support
//! rotation, the scheduler's jobs and in-app notifications.

use chrono::NaiveDate;
use steward_domain::calendar::{CalendarSpec, Holiday, Interval};
use steward_domain::facts::Principal;
use steward_domain::intake::FieldError;
use steward_domain::notify::{Delivery, NewsKind};
use steward_domain::rotation::Override;
use steward_domain::sla::ClockKind;
use steward_proto::domain::{self as wire, WireEnum};
use steward_proto::v1 as pb;
use steward_proto::v1::service_level_service_server::ServiceLevelService;
use tonic::{Request, Response, Status};

use crate::AppState;
use crate::auth::caller;
use crate::convert::{self, timestamp};
use crate::db::models::jobs::{self, Job, JobKind};
use crate::db::models::service_levels::{Settings, StoredCalendar, StoredTarget};
use crate::db::models::{communities, notifications, people, rotation};
use crate::error::{AppError, AppResult};
use crate::usecases::{self, service_levels::CalendarEdit};

/// How `who` hears each kind of news, as the API says it.
async fn encode_choices(state: &AppState, who: &Principal) -> AppResult<Vec<pb::NotificationChoice>> {
    let conn = state.core.pool.get().await?;
    let choices = usecases::notify::choices(&conn, who.person_id, who.is_staff()).await?;
    Ok(choices
        .into_iter()
        .map(|(kind, delivery, chosen)| pb::NotificationChoice {
            kind: kind.as_str().to_owned(),
            delivery: delivery.as_str().to_owned(),
            label: kind.label().to_owned(),
            chosen,
        })
        .collect())
}

/// The service-level service.
pub struct ServiceLevelApi {
    pub state: AppState,
}

/// Days the schedule shows from today.
const SCHEDULE_DAYS: i64 = 12 * 7;
/// Jobs of each kind (waiting, done) admins see.
const JOBS_SHOWN: i64 = 100;
/// Notifications a person sees.
const NOTIFICATIONS_SHOWN: i64 = 50;

fn encode_calendar(calendar: &StoredCalendar) -> pb::Calendar {
    pb::Calendar {
        id: calendar.id,
        name: calendar.name.clone(),
        builtin: calendar.builtin,
        zone: calendar.spec.zone.clone(),
        week: calendar
            .spec
            .week
            .iter()
            .map(|day| pb::WorkingDay {
                intervals: day
                    .iter()
                    .map(|i| pb::WorkingInterval { start: u32::from(i.start), end: u32::from(i.end) })
                    .collect(),
            })
            .collect(),
        holidays: calendar.spec.holidays.iter().map(encode_holiday).collect(),
    }
}

fn encode_holiday(holiday: &Holiday) -> pb::Holiday {
    pb::Holiday { date: holiday.date.to_string(), every_year: holiday.every_year, name: holiday.name.clone() }
}

fn encode_target(target: &StoredTarget) -> pb::Target {
    pb::Target {
        priority: target.priority.to_wire().into(),
        kind: target.kind.to_wire().into(),
        target: Some(wire::target(target.target)),
        calendar_id: target.calendar_id,
    }
}

fn encode_settings(settings: &Settings) -> pb::ServiceLevelSettings {
    pb::ServiceLevelSettings {
        business_calendar_id: settings.business_calendar_id,
        warn_percent: u32::try_from(settings.warn_percent).unwrap_or(75),
        auto_close_minutes: u32::try_from(settings.auto_close_minutes).unwrap_or(2880),
    }
}

fn encode_job(job: &Job) -> pb::Job {
    let what = match (job.kind, job.clock_kind) {
        (JobKind::ClockWarning, ClockKind::Confirmation) => "Remind",
        (JobKind::ClockDue, ClockKind::Confirmation) => "Close",
        (JobKind::ClockWarning, _) => "Warn",
        (JobKind::ClockDue, _) => "Record a breach",
    };
    pb::Job {
        id: job.id,
        what: what.to_owned(),
        ticket_number: job.ticket_number,
        clock: job.clock_kind.to_wire().into(),
        run_at: Some(timestamp(job.run_at)),
        attempts: job.attempts,
        last_error: job.last_error.clone(),
        done_at: job.done_at.map(timestamp),
        outcome: job.outcome.clone(),
    }
}

/// A calendar's week and holidays as sent, or every bad field named.
/// On failure, the spec without what did not decode, so the rest can be checked too.
fn decode_spec(
    zone: &str,
    week: &[pb::WorkingDay],
    holidays: &[pb::Holiday],
) -> Result<CalendarSpec, Box<(CalendarSpec, Vec<FieldError>)>> {
    let mut errors = Vec::new();
    if week.len() != 7 {
        errors.push(FieldError::new("week", "Send seven days, Monday first."));
    }
    let minute = |value: u32| u16::try_from(value).unwrap_or(u16::MAX);
    let days: [Vec<Interval>; 7] = std::array::from_fn(|day| {
        week.get(day)
            .map(|d| d.intervals.iter().map(|i| Interval::new(minute(i.start), minute(i.end))).collect())
            .unwrap_or_default()
    });
    let mut decoded = Vec::new();
    for (index, holiday) in holidays.iter().enumerate() {
        match usecases::service_levels::parse_day(&holiday.date, &format!("holidays.{index}")) {
            Ok(date) => {
                decoded.push(Holiday { date, every_year: holiday.every_year, name: holiday.name.trim().to_owned() })
            }
            Err(error) => errors.push(error),
        }
    }
    let spec = CalendarSpec { zone: zone.to_owned(), week: days, holidays: decoded };
    if errors.is_empty() { Ok(spec) } else { Err(Box::new((spec, errors))) }
}

fn decode_targets(targets: &[pb::Target]) -> AppResult<Vec<StoredTarget>> {
    let mut errors = Vec::new();
    let mut decoded = Vec::new();
    for (i, target) in targets.iter().enumerate() {
        let field = format!("targets.{i}");
        let priority = steward_domain::Priority::from_wire(target.priority).ok().flatten();
        let kind = ClockKind::from_wire(target.kind).ok().flatten();
        let value = target.target.as_ref().and_then(wire::target_from_wire);
        match (priority, kind, value) {
            (Some(priority), Some(kind), Some(value)) => decoded.push(StoredTarget {
                community_id: None,
                priority,
                kind,
                target: value,
                calendar_id: target.calendar_id,
            }),
            (None, _, _) => errors.push(FieldError::new(format!("{field}.priority"), "Choose a priority.")),
            (_, None, _) => errors.push(FieldError::new(format!("{field}.kind"), "Choose which clock.")),
            (_, _, None) => errors.push(FieldError::new(field, "Give a target.")),
        }
    }
    if errors.is_empty() { Ok(decoded) } else { Err(AppError::InvalidArgument(errors)) }
}

fn day(text: &str, field: &str) -> Result<NaiveDate, FieldError> {
    usecases::service_levels::parse_day(text, field)
}

impl ServiceLevelApi {
    async fn rotation(&self, who: &Principal) -> AppResult<pb::GetRotationResponse> {
        let _ = who;
        let conn = self.state.core.pool.get().await?;
        let today = self.state.core.now().date_naive();
        let mut team = rotation::get(&conn).await?;
        team.members.sort_by_key(|member| member.name.to_lowercase());
        let overrides = rotation::overrides(&conn, today).await?;
        let rules: Vec<Override> = overrides.iter().map(|o| o.rule.clone()).collect();
        let schedule = team.schedule(&rules, today, SCHEDULE_DAYS);
        let on_today = team.on_duty(&rules, today);
        let mut ids: Vec<i64> = overrides.iter().flat_map(|o| o.rule.off.into_iter().chain(o.rule.on)).collect();
        ids.extend(schedule.iter().flat_map(|(_, _, people)| people.iter().copied()));
        ids.extend(team.members.iter().map(|m| m.person_id));
        let names = people::by_ids(&conn, &ids).await?;
        let person = |id: i64| convert::person_ref_or_unknown(id, &names);
        Ok(pb::GetRotationResponse {
            members: team.members.iter().map(|m| person(m.person_id)).collect(),
            starts_on: team.starts_on.to_string(),
            on_duty_count: team.on_duty as u32,
            overrides: overrides
                .iter()
                .map(|o| pb::RotationOverride {
                    id: o.id,
                    starts_on: o.rule.starts_on.to_string(),
                    ends_on: o.rule.ends_on.to_string(),
                    off: o.rule.off.map(person),
                    on: o.rule.on.map(person),
                    note: o.note.clone(),
                })
                .collect(),
            schedule: schedule
                .iter()
                .map(|(from, until, people)| pb::DutyRun {
                    starts_on: from.to_string(),
                    ends_on: until.to_string(),
                    people: people.iter().map(|id| person(*id)).collect(),
                })
                .collect(),
            on_duty_today: on_today.into_iter().map(person).collect(),
        })
    }
}

#[tonic::async_trait]
impl ServiceLevelService for ServiceLevelApi {
    async fn get_service_levels(
        &self,
        request: Request<pb::GetServiceLevelsRequest>,
    ) -> Result<Response<pb::GetServiceLevelsResponse>, Status> {
        let caller = caller(&request)?;
        let who = caller.signed_in()?;
        let configured = usecases::service_levels::configured(&self.state.core, who).await?;
        let conn = self.state.core.pool.get().await.map_err(AppError::from)?;
        let mut community_ids: Vec<i64> = configured.targets.iter().filter_map(|t| t.community_id).collect();
        community_ids.extend(configured.community_calendars.keys());
        community_ids.sort_unstable();
        community_ids.dedup();
        let named = communities::list_by_ids(&conn, &community_ids).await?;
        let communities = named
            .iter()
            .map(|community| pb::CommunityTargets {
                community: Some(convert::community(community)),
                calendar_id: configured.community_calendars.get(&community.id).copied(),
                targets: configured
                    .targets
                    .iter()
                    .filter(|t| t.community_id == Some(community.id))
                    .map(encode_target)
                    .collect(),
            })
            .collect();
        Ok(Response::new(pb::GetServiceLevelsResponse {
            calendars: configured.calendars.iter().map(encode_calendar).collect(),
            settings: Some(encode_settings(&configured.settings)),
            targets: configured.targets.iter().filter(|t| t.community_id.is_none()).map(encode_target).collect(),
            communities,
        }))
    }

    async fn save_calendar(
        &self,
        request: Request<pb::SaveCalendarRequest>,
    ) -> Result<Response<pb::SaveCalendarResponse>, Status> {
        let caller = caller(&request)?;
        let who = caller.signed_in()?;
        let request = request.into_inner();
        let spec = match decode_spec(&request.zone, &request.week, &request.holidays) {
            Ok(spec) => spec,
            Err(failed) => {
                let (partial, mut errors) = *failed;
                errors.extend(usecases::service_levels::calendar_errors(&request.name, &partial));
                return Err(AppError::InvalidArgument(errors).into());
            }
        };
        let edit = CalendarEdit { id: request.id, name: request.name, spec };
        let saved = usecases::service_levels::save_calendar(&self.state.core, who, edit).await?;
        Ok(Response::new(pb::SaveCalendarResponse { calendar: Some(encode_calendar(&saved)) }))
    }

    async fn delete_calendar(
        &self,
        request: Request<pb::DeleteCalendarRequest>,
    ) -> Result<Response<pb::DeleteCalendarResponse>, Status> {
        let caller = caller(&request)?;
        usecases::service_levels::delete_calendar(&self.state.core, caller.signed_in()?, request.get_ref().id).await?;
        Ok(Response::new(pb::DeleteCalendarResponse {}))
    }

    async fn parse_holidays(
        &self,
        request: Request<pb::ParseHolidaysRequest>,
    ) -> Result<Response<pb::ParseHolidaysResponse>, Status> {
        let caller = caller(&request)?;
        let who = caller.signed_in()?;
        if !steward_domain::authz::can_configure(who) {
            return Err(AppError::PermissionDenied("Only an admin can change calendars.").into());
        }
        let holidays = usecases::service_levels::holidays_from_ics(&request.get_ref().ics).map_err(AppError::from)?;
        Ok(Response::new(pb::ParseHolidaysResponse { holidays: holidays.iter().map(encode_holiday).collect() }))
    }

    async fn set_service_level_settings(
        &self,
        request: Request<pb::SetServiceLevelSettingsRequest>,
    ) -> Result<Response<pb::SetServiceLevelSettingsResponse>, Status> {
        let caller = caller(&request)?;
        let who = caller.signed_in()?;
        let Some(sent) = request.into_inner().settings else {
            return Err(AppError::invalid("settings", "Send the settings.").into());
        };
        let settings = Settings {
            business_calendar_id: sent.business_calendar_id,
            warn_percent: i16::try_from(sent.warn_percent).unwrap_or(i16::MAX),
            auto_close_minutes: i32::try_from(sent.auto_close_minutes).unwrap_or(i32::MAX),
        };
        let saved = usecases::service_levels::set_settings(&self.state.core, who, settings).await?;
        Ok(Response::new(pb::SetServiceLevelSettingsResponse { settings: Some(encode_settings(&saved)) }))
    }

    async fn set_targets(
        &self,
        request: Request<pb::SetTargetsRequest>,
    ) -> Result<Response<pb::SetTargetsResponse>, Status> {
        let caller = caller(&request)?;
        let who = caller.signed_in()?;
        let request = request.into_inner();
        let targets = decode_targets(&request.targets)?;
        usecases::service_levels::set_targets(&self.state.core, who, request.community_id, targets).await?;
        Ok(Response::new(pb::SetTargetsResponse {}))
    }

    async fn set_community_calendar(
        &self,
        request: Request<pb::SetCommunityCalendarRequest>,
    ) -> Result<Response<pb::SetCommunityCalendarResponse>, Status> {
        let caller = caller(&request)?;
        let request = request.into_inner();
        usecases::service_levels::set_community_calendar(
            &self.state.core,
            caller.signed_in()?,
            request.community_id,
            request.calendar_id,
        )
        .await?;
        Ok(Response::new(pb::SetCommunityCalendarResponse {}))
    }

    async fn get_ticket_clocks(
        &self,
        request: Request<pb::GetTicketClocksRequest>,
    ) -> Result<Response<pb::GetTicketClocksResponse>, Status> {
        let caller = caller(&request)?;
        let who = caller.signed_in()?;
        let now = self.state.core.now();
        let (all, names, always) =
            usecases::service_levels::ticket_clocks(&self.state.core, who, request.get_ref().number).await?;
        let clocks = all
            .iter()
            .filter(|stored| stored.target.is_some() || !stored.clock.is_running())
            .map(|stored| {
                let calendar = stored.calendar_id.and_then(|id| names.get(&id)).cloned().unwrap_or_default();
                pb::TicketClock {
                    kind: stored.clock.kind.to_wire().into(),
                    cycle: stored.clock.cycle,
                    due_at: stored.due_at.map(timestamp),
                    paused: stored.clock.is_paused(),
                    remaining_seconds: stored.remaining_seconds.unwrap_or(0),
                    target: stored.target.map(wire::target),
                    always: stored.calendar_id.and_then(|id| always.get(&id).copied()).unwrap_or(false),
                    started_at: Some(timestamp(stored.clock.started_at)),
                    met_at: stored.clock.met_at.map(timestamp),
                    stopped_at: stored.clock.stopped_at.map(timestamp),
                    breached_at: stored
                        .breached_at
                        .or_else(|| {
                            // Met late: the breach happened at the due time.
                            let (due, ended) = (stored.due_at?, stored.clock.ended_at()?);
                            (ended > due && stored.clock.kind != ClockKind::Confirmation).then_some(due)
                        })
                        .or_else(|| stored.due_at.filter(|due| stored.clock.is_running() && *due <= now))
                        .filter(|_| stored.clock.kind != ClockKind::Confirmation)
                        .map(timestamp),
                    calendar,
                }
            })
            .collect();
        Ok(Response::new(pb::GetTicketClocksResponse { clocks }))
    }

    async fn get_rotation(
        &self,
        request: Request<pb::GetRotationRequest>,
    ) -> Result<Response<pb::GetRotationResponse>, Status> {
        let caller = caller(&request)?;
        let who = caller.signed_in()?;
        if !who.is_staff() {
            return Err(AppError::PermissionDenied("Only the support team sees the support rotation.").into());
        }
        Ok(Response::new(self.rotation(who).await?))
    }

    async fn set_rotation(
        &self,
        request: Request<pb::SetRotationRequest>,
    ) -> Result<Response<pb::SetRotationResponse>, Status> {
        let caller = caller(&request)?;
        let who = caller.signed_in()?;
        let request = request.into_inner();
        let starts_on = day(&request.starts_on, "starts_on").map_err(AppError::from)?;
        let on_duty = i16::try_from(request.on_duty_count).unwrap_or(i16::MAX);
        usecases::configuration::set_rotation(&self.state.core, who, &request.member_ids, starts_on, on_duty).await?;
        Ok(Response::new(pb::SetRotationResponse {}))
    }

    async fn add_rotation_override(
        &self,
        request: Request<pb::AddRotationOverrideRequest>,
    ) -> Result<Response<pb::AddRotationOverrideResponse>, Status> {
        let caller = caller(&request)?;
        let who = caller.signed_in()?;
        let request = request.into_inner();
        let (starts_on, ends_on) = match (day(&request.starts_on, "starts_on"), day(&request.ends_on, "ends_on")) {
            (Ok(starts_on), Ok(ends_on)) => (starts_on, ends_on),
            (starts_on, ends_on) => {
                let mut errors: Vec<FieldError> = starts_on.err().into_iter().chain(ends_on.err()).collect();
                if request.off_person_id.is_none() && request.on_person_id.is_none() {
                    errors.push(FieldError::new("off_person_id", "Say who is off duty, who is on duty, or both."));
                }
                return Err(AppError::InvalidArgument(errors).into());
            }
        };
        let rule = Override { starts_on, ends_on, off: request.off_person_id, on: request.on_person_id };
        usecases::configuration::add_override(&self.state.core, who, rule, &request.note).await?;
        Ok(Response::new(pb::AddRotationOverrideResponse {}))
    }

    async fn remove_rotation_override(
        &self,
        request: Request<pb::RemoveRotationOverrideRequest>,
    ) -> Result<Response<pb::RemoveRotationOverrideResponse>, Status> {
        let caller = caller(&request)?;
        usecases::configuration::remove_override(&self.state.core, caller.signed_in()?, request.get_ref().id).await?;
        Ok(Response::new(pb::RemoveRotationOverrideResponse {}))
    }

    async fn list_jobs(&self, request: Request<pb::ListJobsRequest>) -> Result<Response<pb::ListJobsResponse>, Status> {
        let caller = caller(&request)?;
        if !steward_domain::authz::can_configure(caller.signed_in()?) {
            return Err(AppError::PermissionDenied("Only an admin sees the scheduled jobs.").into());
        }
        let conn = self.state.core.pool.get().await.map_err(AppError::from)?;
        let (waiting, done) = jobs::overview(&conn, JOBS_SHOWN).await?;
        Ok(Response::new(pb::ListJobsResponse {
            waiting: waiting.iter().map(encode_job).collect(),
            done: done.iter().map(encode_job).collect(),
        }))
    }

    async fn get_notification_choices(
        &self,
        request: Request<pb::GetNotificationChoicesRequest>,
    ) -> Result<Response<pb::GetNotificationChoicesResponse>, Status> {
        let caller = caller(&request)?;
        let who = caller.signed_in()?;
        let choices = encode_choices(&self.state, who).await?;
        Ok(Response::new(pb::GetNotificationChoicesResponse { choices }))
    }

    async fn set_notification_choices(
        &self,
        request: Request<pb::SetNotificationChoicesRequest>,
    ) -> Result<Response<pb::SetNotificationChoicesResponse>, Status> {
        let caller = caller(&request)?;
        let who = caller.signed_in()?;
        let mut choices = Vec::new();
        let mut errors = Vec::new();
        for (index, choice) in request.get_ref().choices.iter().enumerate() {
            match (NewsKind::parse(&choice.kind), Delivery::parse(&choice.delivery)) {
                (Some(kind), Some(delivery)) => choices.push((kind, delivery)),
                (None, _) => errors.push(FieldError::new(
                    format!("choices.{index}.kind"),
                    format!("\"{}\" is not a kind of news.", choice.kind),
                )),
                (_, None) => errors.push(FieldError::new(
                    format!("choices.{}", choice.kind),
                    "Choose in Steward, by email, both, or not at all.",
                )),
            }
        }
        if !errors.is_empty() {
            return Err(AppError::InvalidArgument(errors).into());
        }
        usecases::notify::choose(&self.state.core, who, &choices).await?;
        let choices = encode_choices(&self.state, who).await?;
        Ok(Response::new(pb::SetNotificationChoicesResponse { choices }))
    }

    async fn list_notifications(
        &self,
        request: Request<pb::ListNotificationsRequest>,
    ) -> Result<Response<pb::ListNotificationsResponse>, Status> {
        let caller = caller(&request)?;
        let who = caller.signed_in()?;
        let conn = self.state.core.pool.get().await.map_err(AppError::from)?;
        let (latest, unread) = notifications::for_person(&conn, who.person_id, NOTIFICATIONS_SHOWN).await?;
        Ok(Response::new(pb::ListNotificationsResponse {
            notifications: latest
                .iter()
                .map(|n| pb::Notification {
                    id: n.id,
                    ticket_number: n.ticket_number,
                    message: n.message.clone(),
                    created_at: Some(timestamp(n.created_at)),
                    read: n.read_at.is_some(),
                    incident_number: n.incident_number,
                    kind: n.kind.clone(),
                })
                .collect(),
            unread,
        }))
    }

    async fn mark_notifications_read(
        &self,
        request: Request<pb::MarkNotificationsReadRequest>,
    ) -> Result<Response<pb::MarkNotificationsReadResponse>, Status> {
        let caller = caller(&request)?;
        let who = caller.signed_in()?;
        let conn = self.state.core.pool.get().await.map_err(AppError::from)?;
        notifications::mark_read(&conn, who.person_id, request.get_ref().up_to, self.state.core.now()).await?;
        Ok(Response::new(pb::MarkNotificationsReadResponse {}))
    }
}
