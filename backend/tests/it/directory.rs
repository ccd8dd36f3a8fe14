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
