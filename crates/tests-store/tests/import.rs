//! Importing business files: idempotent when repeated, all-or-nothing when invalid, and
//! phone numbers normalised to E.164 in the company's region.

use frontdesk_engine::BookingScope;
use frontdesk_engine::import::BusinessFile;
use frontdesk_store::{Company, StoreError};
use tests_store::*;

tests_store::backend_tests!(
    importing_the_same_file_twice_changes_nothing,
    a_file_with_an_unknown_time_zone_bad_phone_or_unknown_branch_changes_nothing,
    loading_the_demo_twice_is_idempotent,
    customer_phones_are_normalised_in_the_company_region,
    reimporting_an_edited_file_updates_in_place,
    an_import_retires_what_the_file_no_longer_lists_and_keeps_its_bookings,
    an_export_imported_again_changes_nothing,
);

const STUDIO: &str = r#"
[company]
slug = "estudio-onda"
name = "Estúdio Onda"
time_zone = "America/Sao_Paulo"
language = "pt-BR"
phone_region = "BR"

[company.policy]
min_notice_minutes = 30
booking_window_days = 14
max_active_bookings_per_member = 2

[[branches]]
name = "Pinheiros"
phone_numbers = ["(11) 3000-1234"]

[[branches]]
name = "Moema"

[[staff]]
name = "Ana"
branch = "Pinheiros"

[[services]]
code = "aula-avulsa"
name = "Aula avulsa"
branch = "Pinheiros"
duration_minutes = 45
capacity = 8
attributes = { level = "Iniciante" }
schedule = { kind = "fixed_times", times = { "mon-fri" = ["18:00", "19:00"] } }

[[services]]
code = "particular"
name = "Aula particular"
branch = "Moema"
duration_minutes = 60
staff = ["Ana"]
schedule = { kind = "open_hours", hours = { "mon-sat" = ["08:00-12:00"] }, interval_minutes = 60 }

[[customers]]
phone = "(11) 99999-9999"
name = "Rafael Silva"

[[customers.members]]
name = "Rafael Silva"
relationship = "self"

[[customers.members]]
name = "Bia Silva"
relationship = "child"

[customers.members.preferences]
target_hours = ["18:00"]

[[customers]]
phone = "5511988887777"
name = "Carla Souza"

[[customers.appointments]]
service = "aula-avulsa"
date = "monday"
time = "18:00"
"#;

#[derive(Debug, PartialEq)]
struct Snapshot {
    company: Company,
    branches: Vec<(i64, String, Vec<String>)>,
    services: Vec<(i64, String, Vec<i64>)>,
    staff: Vec<(i64, String)>,
    customers: Vec<(i64, String)>,
    members: Vec<(i64, i64, String)>,
    bookings: Vec<(i64, String)>,
}

async fn snapshot(h: &Harness, slug: &str, phones: &[&str]) -> Snapshot {
    let company = h.store.get_company_by_slug(slug).await.expect("company");
    let mut branches: Vec<_> = h
        .store
        .list_branches(company.id)
        .await
        .expect("branches")
        .into_iter()
        .map(|b| (b.id, b.name, b.phone_numbers))
        .collect();
    branches.sort();
    let mut services: Vec<_> = h
        .store
        .list_services(company.id)
        .await
        .expect("services")
        .into_iter()
        .map(|s| (s.id, s.code, s.staff_ids))
        .collect();
    services.sort();
    let mut staff: Vec<_> = h
        .store
        .list_staff(company.id)
        .await
        .expect("staff")
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    staff.sort();
    let mut customers = Vec::new();
    let mut members = Vec::new();
    for phone in phones {
        let customer = h
            .store
            .find_customer_by_phone(company.id, phone)
            .await
            .expect("customer");
        for m in h
            .store
            .list_members(company.id, customer.id)
            .await
            .expect("members")
        {
            members.push((m.id, m.customer_id, m.name));
        }
        customers.push((customer.id, customer.phone));
    }
    members.sort();
    let bookings = h
        .bookings_of(company.id)
        .await
        .into_iter()
        .map(|b| (b.id, b.voucher_code))
        .collect();
    Snapshot {
        company,
        branches,
        services,
        staff,
        customers,
        members,
        bookings,
    }
}

async fn importing_the_same_file_twice_changes_nothing(h: Harness) {
    // Arrange
    let file = BusinessFile::parse(STUDIO, "toml").expect("parse");
    let first = h.engine.import_business(&file).await.expect("first import");
    let before = snapshot(&h, "estudio-onda", &["+5511999999999", "+5511988887777"]).await;

    // Act
    h.set_now("2026-11-20T12:30:00Z");
    let second = h
        .engine
        .import_business(&file)
        .await
        .expect("second import");

    // Assert
    let after = snapshot(&h, "estudio-onda", &["+5511999999999", "+5511988887777"]).await;
    assert_eq!(after, before);
    assert_eq!(second.company.id, first.company.id);
    assert_eq!(
        (
            first.branches,
            first.staff,
            first.services,
            first.customers,
            first.members
        ),
        (2, 1, 2, 2, 2)
    );
    assert_eq!(first.appointments_created, 1, "Carla's Monday class");
    assert_eq!(second.appointments_created, 0, "already held");
    assert_eq!(before.bookings.len(), 1);
    assert_eq!(
        before
            .branches
            .iter()
            .find(|b| b.1 == "Pinheiros")
            .map(|b| b.2.clone()),
        Some(vec!["+551130001234".to_string()])
    );
    assert_eq!(h.engine.companies().await.expect("companies").len(), 1);
}

async fn a_file_with_an_unknown_time_zone_bad_phone_or_unknown_branch_changes_nothing(h: Harness) {
    // Arrange: three broken variants of a new company, and one of an existing company.
    let broken = [
        STUDIO.replace("America/Sao_Paulo", "America/Atlantis"),
        STUDIO.replace("(11) 99999-9999", "99999999"),
        STUDIO.replace("branch = \"Moema\"", "branch = \"Lapa\""),
        STUDIO.replace("staff = [\"Ana\"]", "staff = [\"Bruno\"]"),
        STUDIO.replace("(11) 3000-1234", "not a phone"),
        // Appointments are checked before anything is written too.
        STUDIO.replace("date = \"monday\"", "date = \"someday\""),
        STUDIO.replace("time = \"18:00\"\n", "time = \"25:00\"\n"),
        STUDIO.replace("service = \"aula-avulsa\"\n", "service = \"surf\"\n"),
        // Rafael has two members: an appointment must say whose it is.
        STUDIO.replace(
            "[[customers]]\nphone = \"5511988887777\"",
            "[[customers.appointments]]\nservice = \"aula-avulsa\"\ndate = \"monday\"\ntime = \"19:00\"\n\n\
             [[customers]]\nphone = \"5511988887777\"",
        ),
    ];

    // Act / Assert: nothing is created.
    for (i, text) in broken.iter().enumerate() {
        assert_ne!(text, STUDIO, "variant {i} breaks something");
        let file = BusinessFile::parse(text, "toml").expect("parses; fails validation");
        let result = h.engine.import_business(&file).await;
        let err = expect_code(result, "INVALID_INPUT");
        assert!(
            matches!(
                h.store.get_company_by_slug("estudio-onda").await,
                Err(StoreError::NotFound)
            ),
            "variant {i} ({err}) created the company"
        );
        assert!(
            h.store
                .list_companies()
                .await
                .expect("companies")
                .is_empty(),
            "variant {i}: {err}"
        );
    }

    // And a broken edit of an existing company leaves it as it was.
    h.import_toml(STUDIO).await;
    let before = snapshot(&h, "estudio-onda", &["+5511999999999", "+5511988887777"]).await;
    let renamed_and_broken = STUDIO
        .replace("name = \"Estúdio Onda\"", "name = \"Estúdio Onda Nova\"")
        .replace("America/Sao_Paulo", "Mars/Olympus_Mons");
    let file = BusinessFile::parse(&renamed_and_broken, "toml").expect("parse");
    expect_code(h.engine.import_business(&file).await, "INVALID_INPUT");
    let after = snapshot(&h, "estudio-onda", &["+5511999999999", "+5511988887777"]).await;
    assert_eq!(after, before);
    assert_eq!(after.company.name, "Estúdio Onda");
}

async fn loading_the_demo_twice_is_idempotent(h: Harness) {
    // Arrange
    let first = h.engine.load_demo().await.expect("first load");
    let beyond_before = snapshot(&h, BEYOND, &[RAFAEL_PHONE]).await;
    let askpro_before = snapshot(&h, ASKPRO, &[JOHN_PHONE]).await;

    // Act
    let second = h.engine.load_demo().await.expect("second load");

    // Assert
    assert_eq!(snapshot(&h, BEYOND, &[RAFAEL_PHONE]).await, beyond_before);
    assert_eq!(snapshot(&h, ASKPRO, &[JOHN_PHONE]).await, askpro_before);
    assert_eq!(h.engine.companies().await.expect("companies").len(), 2);
    assert_eq!(
        first.iter().map(|s| s.company.id).collect::<Vec<_>>(),
        second.iter().map(|s| s.company.id).collect::<Vec<_>>()
    );
    assert_eq!(
        first.iter().map(|s| s.appointments_created).sum::<usize>(),
        1
    );
    assert_eq!(
        second.iter().map(|s| s.appointments_created).sum::<usize>(),
        0
    );
    assert_eq!(beyond_before.services.len(), 12);
    assert_eq!(
        beyond_before
            .members
            .iter()
            .map(|m| m.0)
            .collect::<Vec<_>>(),
        [RAFAEL_MEMBER, LUCAS_MEMBER]
    );
    let john = h.known_caller(askpro_before.company.id, JOHN_PHONE).await;
    assert_eq!(
        h.engine
            .bookings(&john, None, BookingScope::All)
            .await
            .expect("bookings")
            .len(),
        1
    );
    let prefs = h
        .store
        .get_member_preferences(RAFAEL_MEMBER)
        .await
        .expect("Rafael's preferences");
    assert_eq!(prefs.attributes["wave_side"], ["Lado_esquerdo"]);
}

async fn customer_phones_are_normalised_in_the_company_region(h: Harness) {
    // Arrange
    let studio = h.import_toml(STUDIO).await.company;

    // Act
    let by_e164 = h
        .engine
        .identify(studio.id, "+5511999999999")
        .await
        .expect("E.164");
    let by_national = h
        .engine
        .identify(studio.id, "(11) 99999-9999")
        .await
        .expect("national");
    let by_caller_id = h
        .engine
        .identify(studio.id, "5511999999999")
        .await
        .expect("caller id");
    let carla = h
        .engine
        .identify(studio.id, "+55 11 98888-7777")
        .await
        .expect("Carla");
    let stored = h
        .store
        .find_customer_by_phone(studio.id, "+5511999999999")
        .await;
    let branch = h.store.find_branch_by_phone("+551130001234").await;
    let invalid = h.engine.identify(studio.id, "99999999").await;

    // Assert
    let rafael = by_e164.customer.expect("Rafael is a customer");
    assert_eq!(rafael.phone, "+5511999999999");
    assert_eq!(by_national.customer.map(|c| c.id), Some(rafael.id));
    assert_eq!(by_caller_id.customer.map(|c| c.id), Some(rafael.id));
    assert_eq!(by_e164.members.len(), 2);
    assert_eq!(
        carla.customer.map(|c| c.phone).as_deref(),
        Some("+5511988887777")
    );
    assert_eq!(stored.expect("stored under E.164").id, rafael.id);
    assert_eq!(branch.expect("branch by inbound number").name, "Pinheiros");
    expect_code(invalid, "INVALID_PHONE");
}

async fn reimporting_an_edited_file_updates_in_place(h: Harness) {
    // Arrange
    let first = h.import_toml(STUDIO).await;
    let before = snapshot(&h, "estudio-onda", &["+5511999999999", "+5511988887777"]).await;
    let edited = STUDIO
        .replace("capacity = 8", "capacity = 10")
        .replace("name = \"Carla Souza\"", "name = \"Carla S. Souza\"");

    // Act
    let second = h.import_toml(&edited).await;

    // Assert
    assert_eq!(second.company.id, first.company.id);
    let after = snapshot(&h, "estudio-onda", &["+5511999999999", "+5511988887777"]).await;
    assert_eq!(after.services, before.services, "same ids");
    assert_eq!(after.customers, before.customers);
    let aula = h.service(first.company.id, "aula-avulsa").await;
    assert_eq!(aula.capacity, 10);
    let carla = h
        .store
        .find_customer_by_phone(first.company.id, "+5511988887777")
        .await
        .expect("Carla");
    assert_eq!(carla.name.as_deref(), Some("Carla S. Souza"));
}

/// STUDIO without the Moema branch, its service `particular` and the staff member Ana.
fn studio_without_moema() -> String {
    let cut = |text: &str, from: &str, to: &str| -> String {
        let start = text.find(from).expect("from");
        let end = start + text[start..].find(to).expect("to");
        format!("{}{}", &text[..start], &text[end..])
    };
    let text = cut(STUDIO, "[[branches]]\nname = \"Moema\"", "[[staff]]");
    let text = cut(&text, "[[staff]]", "[[services]]");
    let text = cut(
        &text,
        "[[services]]\ncode = \"particular\"",
        "[[customers]]",
    );
    text.replace("staff = [\"Ana\"]\n", "")
}

async fn an_import_retires_what_the_file_no_longer_lists_and_keeps_its_bookings(h: Harness) {
    // Arrange: Carla holds a private lesson at Moema on Monday.
    let company = h.import_toml(STUDIO).await.company;
    let carla = h.known_caller(company.id, "+5511988887777").await;
    let lesson = h
        .engine
        .book(&carla, book("particular", date(2026, 11, 23), time(9, 0)))
        .await
        .expect("book the private lesson");
    let lesson_id = lesson.booking.id;
    let edited = BusinessFile::parse(&studio_without_moema(), "toml").expect("edited parses");

    // Act 1: --check reports and changes nothing.
    let plan = h.engine.plan_import(&edited).await.expect("plan");
    assert_eq!(plan.services.retired, ["particular"]);
    assert_eq!(plan.staff.retired, ["Ana"]);
    assert_eq!(plan.branches.retired, ["Moema"]);
    assert_eq!(plan.bookings_outside.len(), 1, "{plan:?}");
    assert_eq!(plan.bookings_outside[0].booking_id, lesson_id);
    assert_eq!(plan.bookings_outside[0].reason, "service retired");
    assert!(!h.service(company.id, "particular").await.retired);
    // A closure on the day of Carla's imported group lesson (Monday 18:00) is reported too.
    let closed = STUDIO.replace(
        "phone_numbers = [\"(11) 3000-1234\"]",
        "phone_numbers = [\"(11) 3000-1234\"]\nexceptions = [{ date = \"2026-11-23\", closed = true }]",
    );
    let closed = BusinessFile::parse(&closed, "toml").expect("closed parses");
    let plan = h.engine.plan_import(&closed).await.expect("plan");
    assert_eq!(
        plan.hours_changed,
        ["branch Pinheiros: closures and special days"]
    );
    assert_eq!(plan.bookings_outside.len(), 1, "{plan:?}");
    assert_eq!(plan.bookings_outside[0].service, "aula-avulsa");
    assert_eq!(plan.bookings_outside[0].starts, "2026-11-23 18:00");
    assert_eq!(
        plan.bookings_outside[0].reason,
        "outside the new hours or closures"
    );

    // Act 2: the import.
    let summary = h.engine.import_business(&edited).await.expect("import");

    // Assert: retired, not offered, not bookable; the booking stays, visible and cancellable.
    assert_eq!(summary.retired.services, ["particular"]);
    assert_eq!(summary.retired.staff, ["Ana"]);
    assert_eq!(summary.retired.branches, ["Moema"]);
    let particular = h.service(company.id, "particular").await;
    assert!(particular.retired && !particular.active);
    let staff = h.store.list_staff(company.id).await.expect("staff");
    assert!(
        staff
            .iter()
            .all(|s| s.name != "Ana" || (s.retired && !s.active))
    );
    let branches = h.store.list_branches(company.id).await.expect("branches");
    let moema = branches.iter().find(|b| b.name == "Moema").expect("kept");
    assert!(moema.retired && moema.phone_numbers.is_empty());
    let info = h.engine.business_info(&carla).await.expect("business info");
    assert!(info.branches.iter().all(|b| b.name != "Moema"));
    assert!(info.services.iter().all(|s| s.code != "particular"));
    assert!(
        h.engine
            .book(&carla, book("particular", date(2026, 11, 24), time(9, 0)))
            .await
            .is_err(),
        "a retired service is not bookable"
    );
    let held = h
        .engine
        .bookings(&carla, None, frontdesk_engine::BookingScope::Upcoming)
        .await
        .expect("bookings");
    let kept = held
        .iter()
        .find(|b| b.id == lesson_id)
        .expect("still visible");
    assert_eq!(kept.service_code, "particular");
    assert_eq!(kept.branch, "Moema");
    let cancelled = h
        .engine
        .cancel(&carla, &frontdesk_engine::BookingRef::Id(lesson_id), None)
        .await
        .expect("still cancellable");
    assert!(!cancelled.already_cancelled);

    // Importing again changes nothing more; listing them again brings them back.
    let again = h.engine.import_business(&edited).await.expect("again");
    assert_eq!(again.retired, frontdesk_engine::import::Retired::default());
    h.import_toml(STUDIO).await;
    let particular = h.service(company.id, "particular").await;
    assert!(!particular.retired && particular.active);
    let branches = h.store.list_branches(company.id).await.expect("branches");
    assert!(branches.iter().all(|b| !b.retired));
}

async fn an_export_imported_again_changes_nothing(h: Harness) {
    h.demo().await;
    let studio = h.import_toml(STUDIO).await.company;
    for slug in [BEYOND, ASKPRO, "estudio-onda"] {
        let company = h.engine.company_by_slug(slug).await.expect("company");
        let exported = h.engine.export_business(company.id).await.expect("export");
        for ext in ["toml", "yaml"] {
            let text = exported.to_text(ext).expect("written");
            let parsed = BusinessFile::parse(&text, ext).expect("parses back");
            assert_eq!(parsed, exported, "{slug} {ext}");
            let plan = h.engine.plan_import(&parsed).await.expect("plan");
            assert!(plan.is_empty(), "{slug} {ext}: {plan:?}");
        }
        let before = snapshot(&h, slug, &[]).await;
        let summary = h.engine.import_business(&exported).await.expect("import");
        assert_eq!(
            summary.retired,
            frontdesk_engine::import::Retired::default()
        );
        assert_eq!(snapshot(&h, slug, &[]).await, before, "{slug}");
    }
    // The demo files themselves describe the demo as loaded.
    for file in frontdesk_engine::demo::demo_businesses().expect("demo files") {
        let plan = h.engine.plan_import(&file).await.expect("plan");
        assert!(plan.is_empty(), "{}: {plan:?}", file.company.slug);
    }
    assert!(studio.id > 0);
}
