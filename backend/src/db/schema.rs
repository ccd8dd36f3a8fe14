// @generated automatically by Diesel CLI.

pub mod sql_types {
    #[derive(diesel::query_builder::QueryId, Clone, diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "tsvector", schema = "pg_catalog"))]
    pub struct Tsvector;

    #[derive(diesel::query_builder::QueryId, Clone, diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "xid8", schema = "pg_catalog"))]
    pub struct Xid8;
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::Xid8;

    access_changes (id) {
        id -> Int8,
        person_id -> Int8,
        at -> Timestamptz,
        xact_id -> Xid8,
    }
}

diesel::table! {
    attachments (id) {
        id -> Int8,
        store_key -> Text,
        name -> Text,
        declared_type -> Text,
        served_type -> Text,
        inline -> Bool,
        bytes -> Int8,
        sha256 -> Text,
        encrypted -> Bool,
        uploaded_by -> Int8,
        uploaded_at -> Timestamptz,
        ticket_number -> Nullable<Int8>,
        comment_id -> Nullable<Int8>,
        internal -> Bool,
        attached_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    calendars (id) {
        id -> Int8,
        name -> Text,
        builtin -> Bool,
        spec -> Jsonb,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    comments (id) {
        id -> Int8,
        ticket_number -> Int8,
        author_id -> Int8,
        body -> Text,
        internal -> Bool,
        created_at -> Timestamptz,
        sealed_for -> Array<Nullable<Text>>,
    }
}

diesel::table! {
    communities (id) {
        id -> Int8,
        slug -> Text,
        name -> Text,
        created_at -> Timestamptz,
        budget_hours -> Nullable<Int4>,
        budget_period -> Text,
        calendar_id -> Nullable<Int8>,
    }
}

diesel::table! {
    failed_sign_ins (id) {
        id -> Int8,
        email -> Text,
        address -> Text,
        at -> Timestamptz,
    }
}

diesel::table! {
    inbound_mail (id) {
        id -> Int8,
        message_id -> Text,
        from_address -> Text,
        from_name -> Text,
        subject -> Text,
        text -> Text,
        raw -> Bytea,
        attachments -> Jsonb,
        outcome -> Text,
        reason -> Text,
        person_id -> Nullable<Int8>,
        ticket_number -> Nullable<Int8>,
        comment_id -> Nullable<Int8>,
        received_at -> Timestamptz,
        handled_by -> Nullable<Int8>,
        handled_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    incident_action_items (id) {
        id -> Int8,
        incident_number -> Int8,
        title -> Text,
        owner_id -> Nullable<Int8>,
        due_on -> Nullable<Date>,
        issue_url -> Nullable<Text>,
        done -> Bool,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    incident_cadence (severity) {
        severity -> Text,
        every_minutes -> Int4,
        updated_by -> Nullable<Int8>,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    incident_communities (incident_number, community_id) {
        incident_number -> Int8,
        community_id -> Int8,
    }
}

diesel::table! {
    incident_confirmations (incident_number, community_id) {
        incident_number -> Int8,
        community_id -> Int8,
        person_id -> Int8,
        confirmed_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::Xid8;

    incident_events (id) {
        id -> Int8,
        incident_number -> Int8,
        actor_id -> Nullable<Int8>,
        kind -> Text,
        internal -> Bool,
        data -> Jsonb,
        at -> Timestamptz,
        xact_id -> Xid8,
    }
}

diesel::table! {
    incident_pins (entry_id) {
        entry_id -> Int8,
        incident_number -> Int8,
        pinned_by -> Int8,
        pinned_at -> Timestamptz,
    }
}

diesel::table! {
    incident_reports (incident_number) {
        incident_number -> Int8,
        owner_id -> Int8,
        due_at -> Timestamptz,
        state -> Text,
        summary -> Text,
        impact -> Text,
        timeline -> Text,
        contributing_factors -> Text,
        went_well -> Text,
        went_poorly -> Text,
        started_at -> Nullable<Timestamptz>,
        detected_at -> Nullable<Timestamptz>,
        mitigated_at -> Nullable<Timestamptz>,
        published_at -> Nullable<Timestamptz>,
        version -> Int8,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    incident_roles (id) {
        id -> Int8,
        incident_number -> Int8,
        person_id -> Int8,
        role -> Text,
        started_at -> Timestamptz,
        ended_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    incident_tasks (id) {
        id -> Int8,
        incident_number -> Int8,
        title -> Text,
        owner_id -> Nullable<Int8>,
        due_at -> Nullable<Timestamptz>,
        done -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    incident_tickets (incident_number, ticket_number) {
        incident_number -> Int8,
        ticket_number -> Int8,
        linked_at -> Timestamptz,
    }
}

diesel::table! {
    incidents (number) {
        number -> Int8,
        title -> Text,
        severity -> Text,
        phase -> Text,
        declared_by -> Int8,
        declared_at -> Timestamptz,
        next_update_due -> Nullable<Timestamptz>,
        resolved_at -> Nullable<Timestamptz>,
        closed_at -> Nullable<Timestamptz>,
        public -> Bool,
        version -> Int8,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    jobs (id) {
        id -> Int8,
        kind -> Text,
        ticket_number -> Int8,
        clock_kind -> Text,
        cycle -> Int4,
        run_at -> Timestamptz,
        attempts -> Int4,
        last_error -> Nullable<Text>,
        done_at -> Nullable<Timestamptz>,
        outcome -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    memberships (person_id, community_id) {
        person_id -> Int8,
        community_id -> Int8,
        role -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    notification_choices (person_id, kind) {
        person_id -> Int8,
        kind -> Text,
        delivery -> Text,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    notifications (id) {
        id -> Int8,
        person_id -> Int8,
        ticket_number -> Nullable<Int8>,
        message -> Text,
        created_at -> Timestamptz,
        read_at -> Nullable<Timestamptz>,
        kind -> Text,
        incident_number -> Nullable<Int8>,
    }
}

diesel::table! {
    on_call (id) {
        id -> Bool,
        own_rotation -> Bool,
        starts_on -> Date,
        handoff_minute -> Int2,
        zone -> Text,
        shift_days -> Int2,
        escalate_after_minutes -> Int2,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    on_call_covers (id) {
        id -> Int8,
        starts_at -> Timestamptz,
        ends_at -> Timestamptz,
        person_id -> Int8,
        note -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    on_call_members (person_id) {
        person_id -> Int8,
        position -> Int2,
    }
}

diesel::table! {
    openpgp_keys (id) {
        id -> Int8,
        person_id -> Nullable<Int8>,
        fingerprint -> Text,
        user_id -> Text,
        armored -> Text,
        key_ids -> Array<Nullable<Text>>,
        expires_at -> Nullable<Timestamptz>,
        added_by -> Int8,
        added_at -> Timestamptz,
        retired_by -> Nullable<Int8>,
        retired_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    outbox (id) {
        id -> Int8,
        kind -> Text,
        recipient -> Text,
        recipient_name -> Text,
        person_id -> Nullable<Int8>,
        ticket_number -> Nullable<Int8>,
        subject -> Text,
        body -> Text,
        in_reply_to -> Nullable<Text>,
        attempts -> Int4,
        next_attempt_at -> Timestamptz,
        last_error -> Nullable<Text>,
        sent_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        incident_number -> Nullable<Int8>,
        page_id -> Nullable<Int8>,
        action_path -> Nullable<Text>,
    }
}

diesel::table! {
    page_recipients (page_id, person_id) {
        page_id -> Int8,
        person_id -> Int8,
        level -> Int2,
        paged_at -> Timestamptz,
        token_hash -> Text,
    }
}

diesel::table! {
    pages (id) {
        id -> Int8,
        ticket_number -> Nullable<Int8>,
        incident_number -> Nullable<Int8>,
        summary -> Text,
        level -> Int2,
        triggered_at -> Timestamptz,
        escalates_at -> Nullable<Timestamptz>,
        acknowledged_at -> Nullable<Timestamptz>,
        acknowledged_by -> Nullable<Int8>,
        ended_at -> Nullable<Timestamptz>,
        ended_because -> Nullable<Text>,
    }
}

diesel::table! {
    people (id) {
        id -> Int8,
        email -> Text,
        display_name -> Text,
        password_hash -> Text,
        staff_role -> Nullable<Text>,
        created_at -> Timestamptz,
        time_zone -> Nullable<Text>,
    }
}

diesel::table! {
    request_form_edits (request_type) {
        request_type -> Text,
        description -> Text,
        confidential_by_default -> Bool,
        fields -> Jsonb,
        updated_by -> Nullable<Int8>,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    response_templates (key) {
        key -> Text,
        name -> Text,
        body -> Text,
        position -> Int4,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    rotation (id) {
        id -> Bool,
        starts_on -> Date,
        on_duty -> Int2,
    }
}

diesel::table! {
    rotation_members (person_id) {
        person_id -> Int8,
    }
}

diesel::table! {
    rotation_overrides (id) {
        id -> Int8,
        starts_on -> Date,
        ends_on -> Date,
        off_person_id -> Nullable<Int8>,
        on_person_id -> Nullable<Int8>,
        note -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    satisfaction_surveys (ticket_number) {
        ticket_number -> Int8,
        requested_at -> Timestamptz,
        rating -> Nullable<Int2>,
        comment -> Text,
        answered_by -> Nullable<Int8>,
        answered_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    saved_views (id) {
        id -> Int8,
        owner_id -> Int8,
        name -> Text,
        query -> Text,
        shared -> Bool,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    sessions (token_hash) {
        token_hash -> Bytea,
        person_id -> Int8,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
    }
}

diesel::table! {
    sla_settings (id) {
        id -> Bool,
        business_calendar_id -> Int8,
        warn_percent -> Int2,
        auto_close_minutes -> Int4,
        revision -> Int8,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    sla_targets (id) {
        id -> Int8,
        community_id -> Nullable<Int8>,
        priority -> Text,
        kind -> Text,
        target -> Jsonb,
        calendar_id -> Nullable<Int8>,
    }
}

diesel::table! {
    support_policy (id) {
        id -> Bool,
        channels -> Text,
        security_contact -> Text,
        security_instructions -> Text,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    ticket_clocks (ticket_number, kind, cycle) {
        ticket_number -> Int8,
        kind -> Text,
        cycle -> Int4,
        priority -> Text,
        started_at -> Timestamptz,
        pauses -> Jsonb,
        met_at -> Nullable<Timestamptz>,
        stopped_at -> Nullable<Timestamptz>,
        target -> Nullable<Jsonb>,
        calendar_id -> Nullable<Int8>,
        due_at -> Nullable<Timestamptz>,
        warn_at -> Nullable<Timestamptz>,
        remaining_seconds -> Nullable<Int8>,
        warned_at -> Nullable<Timestamptz>,
        breached_at -> Nullable<Timestamptz>,
        counted -> Nullable<Jsonb>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::Xid8;

    ticket_events (id) {
        id -> Int8,
        ticket_number -> Int8,
        community_id -> Int8,
        actor_id -> Nullable<Int8>,
        kind -> Text,
        internal -> Bool,
        data -> Jsonb,
        at -> Timestamptz,
        xact_id -> Xid8,
    }
}

diesel::table! {
    ticket_links (id) {
        id -> Int8,
        ticket_number -> Int8,
        url -> Text,
        title -> Text,
        added_by -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    ticket_reads (person_id, ticket_number) {
        person_id -> Int8,
        ticket_number -> Int8,
        last_event_id -> Int8,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::Tsvector;

    tickets (number) {
        number -> Int8,
        community_id -> Int8,
        requester_id -> Int8,
        request_type -> Text,
        priority -> Text,
        state -> Text,
        title -> Text,
        description -> Text,
        confidential -> Bool,
        assignee_id -> Nullable<Int8>,
        form_answers -> Jsonb,
        version -> Int8,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        resolved_at -> Nullable<Timestamptz>,
        closed_at -> Nullable<Timestamptz>,
        search -> Tsvector,
        board_rank -> Float8,
        priority_flags -> Array<Nullable<Text>>,
        acknowledged_at -> Nullable<Timestamptz>,
        timebox_started_at -> Nullable<Timestamptz>,
        released_in -> Nullable<Text>,
        scheduled_for -> Nullable<Date>,
        clocks -> Jsonb,
        next_due_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    time_entries (id) {
        id -> Int8,
        ticket_number -> Int8,
        person_id -> Int8,
        minutes -> Int4,
        worked_on -> Date,
        note -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Int8,
        webhook_id -> Int8,
        event -> Text,
        body -> Text,
        attempts -> Int4,
        next_attempt_at -> Timestamptz,
        last_status -> Nullable<Int4>,
        last_error -> Nullable<Text>,
        delivered_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        page_id -> Nullable<Int8>,
    }
}

diesel::table! {
    webhooks (id) {
        id -> Int8,
        url -> Text,
        secret -> Text,
        events -> Array<Nullable<Text>>,
        created_by -> Nullable<Int8>,
        created_at -> Timestamptz,
        format -> Text,
        routing_key -> Nullable<Text>,
    }
}

diesel::joinable!(attachments -> comments (comment_id));
diesel::joinable!(attachments -> people (uploaded_by));
diesel::joinable!(attachments -> tickets (ticket_number));
diesel::joinable!(comments -> people (author_id));
diesel::joinable!(comments -> tickets (ticket_number));
diesel::joinable!(communities -> calendars (calendar_id));
diesel::joinable!(inbound_mail -> comments (comment_id));
diesel::joinable!(inbound_mail -> tickets (ticket_number));
diesel::joinable!(incident_action_items -> incident_reports (incident_number));
diesel::joinable!(incident_action_items -> people (owner_id));
diesel::joinable!(incident_cadence -> people (updated_by));
diesel::joinable!(incident_communities -> communities (community_id));
diesel::joinable!(incident_communities -> incidents (incident_number));
diesel::joinable!(incident_confirmations -> communities (community_id));
diesel::joinable!(incident_confirmations -> incidents (incident_number));
diesel::joinable!(incident_confirmations -> people (person_id));
diesel::joinable!(incident_events -> incidents (incident_number));
diesel::joinable!(incident_events -> people (actor_id));
diesel::joinable!(incident_pins -> incident_events (entry_id));
diesel::joinable!(incident_pins -> incidents (incident_number));
diesel::joinable!(incident_pins -> people (pinned_by));
diesel::joinable!(incident_reports -> incidents (incident_number));
diesel::joinable!(incident_reports -> people (owner_id));
diesel::joinable!(incident_roles -> incidents (incident_number));
diesel::joinable!(incident_roles -> people (person_id));
diesel::joinable!(incident_tasks -> incidents (incident_number));
diesel::joinable!(incident_tasks -> people (owner_id));
diesel::joinable!(incident_tickets -> incidents (incident_number));
diesel::joinable!(incident_tickets -> tickets (ticket_number));
diesel::joinable!(incidents -> people (declared_by));
diesel::joinable!(jobs -> tickets (ticket_number));
diesel::joinable!(memberships -> communities (community_id));
diesel::joinable!(memberships -> people (person_id));
diesel::joinable!(notification_choices -> people (person_id));
diesel::joinable!(notifications -> incidents (incident_number));
diesel::joinable!(notifications -> people (person_id));
diesel::joinable!(notifications -> tickets (ticket_number));
diesel::joinable!(on_call_covers -> people (person_id));
diesel::joinable!(on_call_members -> people (person_id));
diesel::joinable!(outbox -> incidents (incident_number));
diesel::joinable!(outbox -> pages (page_id));
diesel::joinable!(outbox -> people (person_id));
diesel::joinable!(outbox -> tickets (ticket_number));
diesel::joinable!(page_recipients -> pages (page_id));
diesel::joinable!(page_recipients -> people (person_id));
diesel::joinable!(pages -> incidents (incident_number));
diesel::joinable!(pages -> people (acknowledged_by));
diesel::joinable!(pages -> tickets (ticket_number));
diesel::joinable!(request_form_edits -> people (updated_by));
diesel::joinable!(rotation_members -> people (person_id));
diesel::joinable!(satisfaction_surveys -> people (answered_by));
diesel::joinable!(satisfaction_surveys -> tickets (ticket_number));
diesel::joinable!(saved_views -> people (owner_id));
diesel::joinable!(sessions -> people (person_id));
diesel::joinable!(sla_settings -> calendars (business_calendar_id));
diesel::joinable!(sla_targets -> calendars (calendar_id));
diesel::joinable!(sla_targets -> communities (community_id));
diesel::joinable!(ticket_clocks -> calendars (calendar_id));
diesel::joinable!(ticket_clocks -> tickets (ticket_number));
diesel::joinable!(ticket_events -> communities (community_id));
diesel::joinable!(ticket_events -> people (actor_id));
diesel::joinable!(ticket_events -> tickets (ticket_number));
diesel::joinable!(ticket_links -> people (added_by));
diesel::joinable!(ticket_links -> tickets (ticket_number));
diesel::joinable!(ticket_reads -> people (person_id));
diesel::joinable!(ticket_reads -> tickets (ticket_number));
diesel::joinable!(tickets -> communities (community_id));
diesel::joinable!(time_entries -> people (person_id));
diesel::joinable!(time_entries -> tickets (ticket_number));
diesel::joinable!(webhook_deliveries -> pages (page_id));
diesel::joinable!(webhook_deliveries -> webhooks (webhook_id));
diesel::joinable!(webhooks -> people (created_by));

diesel::allow_tables_to_appear_in_same_query!(
    access_changes,
    attachments,
    calendars,
    comments,
    communities,
    failed_sign_ins,
    inbound_mail,
    incident_action_items,
    incident_cadence,
    incident_communities,
    incident_confirmations,
    incident_events,
    incident_pins,
    incident_reports,
    incident_roles,
    incident_tasks,
    incident_tickets,
    incidents,
    jobs,
    memberships,
    notification_choices,
    notifications,
    on_call,
    on_call_covers,
    on_call_members,
    openpgp_keys,
    outbox,
    page_recipients,
    pages,
    people,
    request_form_edits,
    response_templates,
    rotation,
    rotation_members,
    rotation_overrides,
    satisfaction_surveys,
    saved_views,
    sessions,
    sla_settings,
    sla_targets,
    support_policy,
    ticket_clocks,
    ticket_events,
    ticket_links,
    ticket_reads,
    tickets,
    time_entries,
    webhook_deliveries,
    webhooks,
);
