//! Communities, people and memberships, managed by admins.

use steward_domain::StaffRole;
use steward_proto::v1 as pb;
use tonic::Code;
use tonic_types::StatusExt;

use crate::util::TestApp;

fn field(status: &tonic::Status) -> String {
    status
        .get_details_bad_request()
        .and_then(|b| b.field_violations.first().map(|v| v.field.clone()))
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_onboards_a_community_and_its_representative() {
    let app = TestApp::spawn().await;
    app.person("admin@example.org", "Ada Admin", Some(StaffRole::Admin)).await;
    let admin = app.sign_in("admin@example.org").await;
    let mut directory = admin.directory.clone();

    let bad_slug = directory
        .create_community(pb::CreateCommunityRequest { slug: "Aurora Hub".into(), name: "Aurora".into() })
        .await
        .unwrap_err();
    assert_eq!((bad_slug.code(), field(&bad_slug)), (Code::InvalidArgument, "slug".to_owned()));
    let community = directory
        .create_community(pb::CreateCommunityRequest { slug: "aurora".into(), name: "Aurora Hub".into() })
        .await
        .expect("create")
        .into_inner()
        .community
        .expect("community");
    let taken = directory
        .create_community(pb::CreateCommunityRequest { slug: "aurora".into(), name: "Again".into() })
        .await
        .unwrap_err();
    assert_eq!((taken.code(), field(&taken)), (Code::AlreadyExists, "slug".to_owned()));

    let person = |email: &str, password: &str| pb::CreatePersonRequest {
        email: email.into(),
        display_name: "Rita Rep".into(),
        password: password.into(),
        staff_role: pb::StaffRole::None as i32,
    };
    let short = directory.create_person(person("rita@aurora.example", "short")).await.unwrap_err();
    assert_eq!(field(&short), "password");
    let bad_email = directory.create_person(person("rita-at-aurora", "a long enough password")).await.unwrap_err();
    assert_eq!(field(&bad_email), "email");
    let rita = directory
        .create_person(person("Rita@Aurora.example", "a long enough password"))
        .await
        .expect("create person")
        .into_inner()
        .person
        .expect("person");
    assert_eq!(rita.email, "rita@aurora.example");
    let twice = directory.create_person(person("rita@aurora.example", "a long enough password")).await.unwrap_err();
    assert_eq!((twice.code(), field(&twice)), (Code::AlreadyExists, "email".to_owned()));

    // Without a membership Rita cannot file for Aurora; with one she can; removed, she cannot.
    let mut rita_client = app.anonymous().await;
    rita_client.sign_in("rita@aurora.example", "a long enough password").await.expect("sign in");
    let request = pb::CreateTicketRequest {
        community_id: community.id,
        request_type: pb::RequestType::Other as i32,
        priority: pb::Priority::Normal as i32,
        title: "Hello".into(),
        description: "First request".into(),
        ..Default::default()
    };
    let outsider = rita_client.tickets.clone().create_ticket(request.clone()).await.unwrap_err();
    assert_eq!(field(&outsider), "community_id");

    let set = pb::SetMembershipRequest {
        person_id: rita.id,
        community_id: community.id,
        role: pb::MembershipRole::Representative as i32,
    };
    let updated = directory.set_membership(set).await.expect("membership").into_inner().person.expect("person");
    assert_eq!(updated.memberships.len(), 1);
    let ticket = rita_client
        .tickets
        .clone()
        .create_ticket(request.clone())
        .await
        .expect("file")
        .into_inner()
        .ticket
        .expect("ticket");
    assert_eq!(ticket.state, pb::TicketState::New as i32);

    directory
        .remove_membership(pb::RemoveMembershipRequest { person_id: rita.id, community_id: community.id })
        .await
        .expect("remove");
    let gone = rita_client.tickets.clone().get_ticket(pb::GetTicketRequest { number: ticket.number }).await;
    assert!(gone.is_ok(), "she still sees the ticket she filed");
    let again = rita_client.tickets.clone().create_ticket(request).await.unwrap_err();
    assert_eq!(field(&again), "community_id");
    let missing = directory
        .remove_membership(pb::RemoveMembershipRequest { person_id: rita.id, community_id: community.id })
        .await
        .unwrap_err();
    assert_eq!(missing.code(), Code::NotFound);

    let people = directory.list_people(pb::ListPeopleRequest {}).await.expect("people").into_inner().people;
    assert_eq!(
        people.iter().map(|p| p.email.as_str()).collect::<Vec<_>>(),
        ["admin@example.org", "rita@aurora.example"]
    );
    let staff = directory.list_staff(pb::ListStaffRequest {}).await.expect("staff").into_inner().staff;
    assert_eq!(staff.iter().map(|p| p.display_name.as_str()).collect::<Vec<_>>(), ["Ada Admin"]);
}

/// Reads the stream until it ends; the code it ended with (None: ended cleanly).
async fn end_of(mut stream: tonic::Streaming<pb::WatchResponse>) -> Option<Code> {
    let ends = async {
        loop {
            match stream.message().await {
                Ok(Some(_)) => continue,
                Ok(None) => return None,
                Err(status) => return Some(status.code()),
            }
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(10), ends).await.expect("the stream ends")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_change_of_staff_role_ends_the_persons_sessions_so_they_sign_in_with_a_new_token() {
    let app = TestApp::spawn().await;
    app.person("admin@example.org", "Ada Admin", Some(StaffRole::Admin)).await;
    let sam_id = app.person("sam@example.org", "Sam Steward", Some(StaffRole::Steward)).await;
    let admin = app.sign_in("admin@example.org").await;
    let mut directory = admin.directory.clone();
    let on_laptop = app.sign_in("sam@example.org").await;
    let on_phone = app.sign_in("sam@example.org").await;
    let watch = pb::WatchRequest { after: None, all_tickets: true, ticket_numbers: vec![], ..Default::default() };
    let mut stream = on_laptop.live.clone().watch(watch).await.expect("watch").into_inner();
    stream.message().await.expect("caught up").expect("a first message");

    // Only an admin may, and a steward cannot promote themselves.
    let promote = pb::SetStaffRoleRequest { person_id: sam_id, staff_role: pb::StaffRole::Admin as i32 };
    let refused = on_phone.directory.clone().set_staff_role(promote).await.unwrap_err();
    assert_eq!(refused.code(), Code::PermissionDenied);

    // Ada, the only admin, cannot step down: Steward would have nobody to manage it.
    let ada = admin.clone_auth().get_current_user(pb::GetCurrentUserRequest {}).await.expect("ada").into_inner();
    let ada_id = ada.person.expect("person").id;
    let step_down = pb::SetStaffRoleRequest { person_id: ada_id, staff_role: pb::StaffRole::Steward as i32 };
    let last = directory.set_staff_role(step_down).await.unwrap_err();
    assert_eq!(last.code(), Code::FailedPrecondition);
    assert!(last.message().contains("last admin"), "{}", last.message());

    // Promoting Sam ends both of his sessions, and the stream opened with one of them.
    let promoted = directory.set_staff_role(promote).await.expect("promote").into_inner();
    assert_eq!(promoted.sessions_ended, 2);
    assert_eq!(promoted.person.expect("person").staff_role, pb::StaffRole::Admin as i32);
    assert_eq!(end_of(stream).await, Some(Code::Unauthenticated));
    for old in [&on_laptop, &on_phone] {
        let after = old.clone_auth().get_current_user(pb::GetCurrentUserRequest {}).await.unwrap_err();
        assert_eq!(after.code(), Code::Unauthenticated, "an old token still works");
    }

    // He signs in again with a new token, which carries the new role.
    let again = app.sign_in("sam@example.org").await;
    assert_ne!(again.cookie(), on_laptop.cookie());
    let me = again.clone_auth().get_current_user(pb::GetCurrentUserRequest {}).await.expect("me").into_inner();
    assert_eq!(me.person.expect("person").staff_role, pb::StaffRole::Admin as i32);

    // Setting the role he already has changes nothing and keeps him signed in.
    let same = directory.set_staff_role(promote).await.expect("same role").into_inner();
    assert_eq!(same.sessions_ended, 0);
    again.clone_auth().get_current_user(pb::GetCurrentUserRequest {}).await.expect("still signed in");

    // With Sam an admin, Ada may step down; her own session ends with the change.
    let stepped = directory.set_staff_role(step_down).await.expect("step down").into_inner();
    assert_eq!(stepped.sessions_ended, 1);
    let ada_after = admin.clone_auth().get_current_user(pb::GetCurrentUserRequest {}).await.unwrap_err();
    assert_eq!(ada_after.code(), Code::Unauthenticated);

    // Sam takes a person off the staff; one who does not exist is named as such.
    let mut sam_directory = again.directory.clone();
    let off = pb::SetStaffRoleRequest { person_id: ada_id, staff_role: pb::StaffRole::None as i32 };
    let off = sam_directory.set_staff_role(off).await.expect("off the staff").into_inner();
    assert_eq!(off.person.expect("person").staff_role, pb::StaffRole::None as i32);
    let staff = sam_directory.list_staff(pb::ListStaffRequest {}).await.expect("staff").into_inner().staff;
    assert_eq!(staff.iter().map(|p| p.display_name.as_str()).collect::<Vec<_>>(), ["Sam Steward"]);
    let nobody = pb::SetStaffRoleRequest { person_id: 999_999, staff_role: pb::StaffRole::Steward as i32 };
    let nobody = sam_directory.set_staff_role(nobody).await.unwrap_err();
    assert_eq!((nobody.code(), field(&nobody)), (Code::InvalidArgument, "person_id".to_owned()));
    let bad_role = pb::SetStaffRoleRequest { person_id: sam_id, staff_role: 7 };
    let bad_role = sam_directory.set_staff_role(bad_role).await.unwrap_err();
    assert_eq!((bad_role.code(), field(&bad_role)), (Code::InvalidArgument, "staff_role".to_owned()));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_access_change_made_on_one_server_reaches_another_that_knew_the_session() {
    // Two replicas on one database. Rita's calls go to the second, which keeps her session
    // after the first call; an admin takes her out of Aurora through the first.
    let first = TestApp::spawn().await;
    let aurora = first.community("aurora", "Aurora Hub").await;
    let rita = first.person("rita@aurora.example", "Rita Rep", None).await;
    first.membership(rita, aurora, steward_domain::MembershipRole::Representative).await;
    first.person("ada@steward.example", "Ada Admin", Some(StaffRole::Admin)).await;
    let ada = first.sign_in("ada@steward.example").await;
    let second = first.spawn_beside().await;
    let on_second = second.sign_in("rita@aurora.example").await;
    let file = || crate::util::plain_request(aurora, "Hello");
    on_second.tickets.clone().create_ticket(file()).await.expect("a representative files");

    ada.directory
        .clone()
        .remove_membership(pb::RemoveMembershipRequest { person_id: rita, community_id: aurora })
        .await
        .expect("removed");
    // The second server learns it from the access-change log (its tailer), without a restart.
    let started = std::time::Instant::now();
    loop {
        match on_second.tickets.clone().create_ticket(file()).await {
            Err(refused) => {
                assert_eq!(field(&refused), "community_id");
                break;
            }
            Ok(_) if started.elapsed() < std::time::Duration::from_secs(5) => {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            Ok(_) => panic!("five seconds on, the second server still took Rita as Aurora's representative"),
        }
    }
}
