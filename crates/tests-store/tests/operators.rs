//! The operator console's storage: operators and their sessions, the tool calls an agent made
//! during a call, and the console's lists of calls and customers.

use frontdesk_domain::{BookingId, BookingStatus, CompanyId, OperatorRole};
use frontdesk_engine::{BookingRef, Caller};
use frontdesk_store::{
    BookingQuery, CallQuery, CallUpdate, CustomerSearch, DeskBooking, NewCallToolCall, NewCustomer,
    NewMember, NewOperator, NewOperatorSession, Operator, StoreError, StoreResult,
};
use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use std::fmt::Debug;
use tests_store::*;

tests_store::backend_tests!(
    operators_are_created_listed_and_found,
    an_email_is_one_operator_across_companies,
    another_companys_operator_is_not_found,
    a_live_session_is_found_with_its_operator,
    an_expired_session_is_not_found,
    a_revoked_session_is_not_found,
    disabling_an_operator_ends_their_sessions,
    a_password_change_ends_the_sessions,
    tool_calls_are_listed_in_order_per_call_and_company,
    calls_are_listed_newest_first_with_their_customers,
    customers_are_searched_by_name_phone_or_member,
    search_wildcards_are_literal,
    a_customer_is_updated_in_its_company_only,
    desk_bookings_are_the_listed_bookings_with_their_names,
);

const HOURS_8: SignedDuration = SignedDuration::from_hours(8);

fn expect_not_found<T: Debug>(result: StoreResult<T>) {
    match result {
        Err(StoreError::NotFound) => {}
        other => panic!("expected NotFound, got {other:?}"),
    }
}

async fn operator(h: &Harness, company_id: CompanyId, email: &str, role: OperatorRole) -> Operator {
    h.store
        .create_operator(NewOperator {
            company_id,
            email: email.to_string(),
            role,
            password_hash: format!("$argon2id$v=19$m=19456,t=2,p=1$salt${email}"),
            now: h.now(),
        })
        .await
        .unwrap_or_else(|e| panic!("create operator {email}: {e}"))
}

fn session_for(op: &Operator, token_hash: &str, now: Timestamp) -> NewOperatorSession {
    NewOperatorSession {
        operator_id: op.id,
        token_hash: token_hash.to_string(),
        csrf_token: format!("csrf-{token_hash}"),
        now,
        expires_at: now + HOURS_8,
    }
}

async fn open_session(h: &Harness, op: &Operator, token_hash: &str) {
    h.store
        .create_operator_session(session_for(op, token_hash, h.now()))
        .await
        .unwrap_or_else(|e| panic!("open session {token_hash}: {e}"));
}

async fn is_live(h: &Harness, token_hash: &str) -> bool {
    match h.store.find_operator_session(token_hash, h.now()).await {
        Ok(_) => true,
        Err(StoreError::NotFound) => false,
        Err(e) => panic!("find session {token_hash}: {e}"),
    }
}

async fn operators_are_created_listed_and_found(h: Harness) {
    // Arrange
    let demo = h.demo().await;

    // Act
    let staff = operator(
        &h,
        demo.beyond.id,
        "staff@beyond.example",
        OperatorRole::Staff,
    )
    .await;
    let owner = operator(
        &h,
        demo.beyond.id,
        "owner@beyond.example",
        OperatorRole::Owner,
    )
    .await;
    let elsewhere = operator(
        &h,
        demo.askpro.id,
        "anna@askpro.example",
        OperatorRole::Owner,
    )
    .await;

    // Assert
    assert_eq!(owner.company_id, demo.beyond.id);
    assert_eq!(owner.email, "owner@beyond.example");
    assert_eq!(owner.role, OperatorRole::Owner);
    assert_eq!(staff.role, OperatorRole::Staff);
    assert_eq!(
        owner.password_hash,
        "$argon2id$v=19$m=19456,t=2,p=1$salt$owner@beyond.example"
    );
    assert_eq!(owner.language, None);
    assert_eq!(owner.created_at, h.now());
    assert_eq!(owner.disabled_at, None);

    let listed = h.store.list_operators(demo.beyond.id).await.expect("list");
    assert_eq!(
        listed,
        [owner.clone(), staff.clone()],
        "by e-mail, this company's"
    );
    let found = h
        .store
        .find_operator_by_email("staff@beyond.example")
        .await
        .expect("by e-mail");
    assert_eq!(found, staff);
    expect_not_found(
        h.store
            .find_operator_by_email("nobody@beyond.example")
            .await,
    );
    let got = h
        .store
        .get_operator(demo.askpro.id, elsewhere.id)
        .await
        .expect("get");
    assert_eq!(got, elsewhere);

    let german = h
        .store
        .set_operator_language(demo.beyond.id, staff.id, Some("de"))
        .await
        .expect("language");
    assert_eq!(german.language.as_deref(), Some("de"));
    let reset = h
        .store
        .set_operator_language(demo.beyond.id, staff.id, None)
        .await
        .expect("language");
    assert_eq!(reset.language, None);
    expect_not_found(
        h.store
            .set_operator_language(demo.askpro.id, staff.id, Some("de"))
            .await,
    );
}

async fn an_email_is_one_operator_across_companies(h: Harness) {
    // Arrange
    let demo = h.demo().await;
    let first = operator(&h, demo.beyond.id, "ops@example.com", OperatorRole::Owner).await;

    // Act
    let again = h
        .store
        .create_operator(NewOperator {
            company_id: demo.beyond.id,
            email: "ops@example.com".into(),
            role: OperatorRole::Staff,
            password_hash: "x".into(),
            now: h.now(),
        })
        .await;
    let other_company = h
        .store
        .create_operator(NewOperator {
            company_id: demo.askpro.id,
            email: "ops@example.com".into(),
            role: OperatorRole::Owner,
            password_hash: "y".into(),
            now: h.now(),
        })
        .await;

    // Assert
    for result in [again, other_company] {
        match result {
            Err(StoreError::Conflict(message)) => assert_eq!(message, "operator e-mail exists"),
            other => panic!("expected Conflict, got {other:?}"),
        }
    }
    assert_eq!(
        h.store.list_operators(demo.beyond.id).await.expect("list"),
        [first]
    );
    assert!(
        h.store
            .list_operators(demo.askpro.id)
            .await
            .expect("list")
            .is_empty()
    );
}

async fn another_companys_operator_is_not_found(h: Harness) {
    // Arrange
    let demo = h.demo().await;
    let op = operator(
        &h,
        demo.beyond.id,
        "rita@beyond.example",
        OperatorRole::Staff,
    )
    .await;
    open_session(&h, &op, "hash-rita").await;

    // Act / Assert
    expect_not_found(h.store.get_operator(demo.askpro.id, op.id).await);
    expect_not_found(h.store.get_operator(demo.beyond.id, op.id + 1000).await);
    expect_not_found(
        h.store
            .set_operator_disabled(demo.askpro.id, op.id, Some(h.now()))
            .await,
    );
    expect_not_found(
        h.store
            .set_operator_password(demo.askpro.id, op.id, "$argon2id$other")
            .await,
    );
    let unchanged = h
        .store
        .get_operator(demo.beyond.id, op.id)
        .await
        .expect("get");
    assert_eq!(unchanged, op, "another company's writes changed nothing");
    assert!(is_live(&h, "hash-rita").await, "nor ended the session");
}

async fn a_live_session_is_found_with_its_operator(h: Harness) {
    // Arrange
    let demo = h.demo().await;
    let op = operator(
        &h,
        demo.beyond.id,
        "caio@beyond.example",
        OperatorRole::Owner,
    )
    .await;

    // Act
    let created = h
        .store
        .create_operator_session(session_for(&op, "hash-caio", h.now()))
        .await
        .expect("session");
    h.set_now("2026-11-20T15:00:00Z");
    let found = h
        .store
        .find_operator_session("hash-caio", h.now())
        .await
        .expect("live session");

    // Assert
    assert_eq!(found, created);
    assert_eq!(found.operator, op);
    assert_eq!(found.csrf_token, "csrf-hash-caio");
    assert_eq!(found.created_at, ts(NOW));
    assert_eq!(found.expires_at, ts("2026-11-20T20:00:00Z"));
    expect_not_found(h.store.find_operator_session("hash-nobody", h.now()).await);
    let duplicate = h
        .store
        .create_operator_session(session_for(&op, "hash-caio", h.now()))
        .await;
    assert!(
        matches!(duplicate, Err(StoreError::Conflict(_))),
        "a token hash names one session: {duplicate:?}"
    );
    expect_not_found(
        h.store
            .create_operator_session(NewOperatorSession {
                operator_id: op.id + 1000,
                ..session_for(&op, "hash-ghost", h.now())
            })
            .await,
    );
}

async fn an_expired_session_is_not_found(h: Harness) {
    // Arrange
    let demo = h.demo().await;
    let op = operator(
        &h,
        demo.beyond.id,
        "edu@beyond.example",
        OperatorRole::Staff,
    )
    .await;
    open_session(&h, &op, "hash-edu").await;

    // Act / Assert
    h.set_now("2026-11-20T19:59:59Z");
    assert!(is_live(&h, "hash-edu").await, "a second before it expires");
    h.set_now("2026-11-20T20:00:00Z");
    assert!(!is_live(&h, "hash-edu").await, "at expires_at");
    h.set_now("2026-11-21T12:00:00Z");
    assert!(!is_live(&h, "hash-edu").await, "after");
}

async fn a_revoked_session_is_not_found(h: Harness) {
    // Arrange
    let demo = h.demo().await;
    let op = operator(
        &h,
        demo.beyond.id,
        "lia@beyond.example",
        OperatorRole::Staff,
    )
    .await;
    open_session(&h, &op, "hash-lia-1").await;
    open_session(&h, &op, "hash-lia-2").await;

    // Act
    h.store
        .revoke_operator_session("hash-lia-1", h.now())
        .await
        .expect("revoke");
    let again = h.store.revoke_operator_session("hash-lia-1", h.now()).await;
    let unknown = h
        .store
        .revoke_operator_session("hash-nobody", h.now())
        .await;

    // Assert
    assert!(!is_live(&h, "hash-lia-1").await);
    assert!(is_live(&h, "hash-lia-2").await, "only that session");
    assert!(again.is_ok(), "revoking twice is not an error: {again:?}");
    assert!(unknown.is_ok(), "nor revoking an unknown one: {unknown:?}");
}

async fn disabling_an_operator_ends_their_sessions(h: Harness) {
    // Arrange
    let demo = h.demo().await;
    let op = operator(
        &h,
        demo.beyond.id,
        "nina@beyond.example",
        OperatorRole::Staff,
    )
    .await;
    let colleague = operator(
        &h,
        demo.beyond.id,
        "otto@beyond.example",
        OperatorRole::Owner,
    )
    .await;
    open_session(&h, &op, "hash-nina-1").await;
    open_session(&h, &op, "hash-nina-2").await;
    open_session(&h, &colleague, "hash-otto").await;
    h.set_now("2026-11-20T13:00:00Z");

    // Act
    let disabled = h
        .store
        .set_operator_disabled(demo.beyond.id, op.id, Some(h.now()))
        .await
        .expect("disable");

    // Assert
    assert_eq!(disabled.disabled_at, Some(ts("2026-11-20T13:00:00Z")));
    assert!(!is_live(&h, "hash-nina-1").await);
    assert!(!is_live(&h, "hash-nina-2").await);
    assert!(
        is_live(&h, "hash-otto").await,
        "a colleague's session stays"
    );
    // A session opened while disabled (the engine refuses to) is not live either.
    open_session(&h, &op, "hash-nina-while-disabled").await;
    assert!(!is_live(&h, "hash-nina-while-disabled").await);

    // Re-enabling does not bring the ended sessions back.
    let enabled = h
        .store
        .set_operator_disabled(demo.beyond.id, op.id, None)
        .await
        .expect("enable");
    assert_eq!(enabled.disabled_at, None);
    assert!(!is_live(&h, "hash-nina-1").await);
    assert!(!is_live(&h, "hash-nina-2").await);
    open_session(&h, &op, "hash-nina-3").await;
    assert!(is_live(&h, "hash-nina-3").await, "a new login works");
}

async fn a_password_change_ends_the_sessions(h: Harness) {
    // Arrange
    let demo = h.demo().await;
    let op = operator(
        &h,
        demo.beyond.id,
        "paulo@beyond.example",
        OperatorRole::Owner,
    )
    .await;
    let colleague = operator(
        &h,
        demo.beyond.id,
        "quel@beyond.example",
        OperatorRole::Staff,
    )
    .await;
    open_session(&h, &op, "hash-paulo-1").await;
    open_session(&h, &op, "hash-paulo-2").await;
    open_session(&h, &colleague, "hash-quel").await;

    // Act
    let changed = h
        .store
        .set_operator_password(demo.beyond.id, op.id, "$argon2id$v=19$new")
        .await
        .expect("password");

    // Assert
    assert_eq!(changed.password_hash, "$argon2id$v=19$new");
    assert_eq!(
        h.store
            .find_operator_by_email("paulo@beyond.example")
            .await
            .expect("by e-mail")
            .password_hash,
        "$argon2id$v=19$new"
    );
    assert_eq!(changed.disabled_at, None, "still enabled");
    assert!(!is_live(&h, "hash-paulo-1").await);
    assert!(!is_live(&h, "hash-paulo-2").await);
    assert!(
        is_live(&h, "hash-quel").await,
        "a colleague's session stays"
    );
    open_session(&h, &op, "hash-paulo-3").await;
    assert!(is_live(&h, "hash-paulo-3").await, "a new login works");
}

async fn tool_calls_are_listed_in_order_per_call_and_company(h: Harness) {
    // Arrange
    let demo = h.demo().await;
    let record = |company_id: CompanyId, provider: &str, call: &str, tool: &str| NewCallToolCall {
        company_id,
        provider: provider.to_string(),
        call_external_id: call.to_string(),
        tool: tool.to_string(),
        arguments: json!({ "tool": tool }),
        result: json!({ "ok": true }),
        error_code: None,
        now: h.now(),
    };

    // Act
    let first = h
        .store
        .record_call_tool_call(NewCallToolCall {
            arguments: json!({ "date": "2026-11-21", "service": "iniciante1_esq" }),
            result: json!({ "slots": ["09:00", "10:00"] }),
            ..record(demo.beyond.id, "retell", "call_a", "check_availability")
        })
        .await
        .expect("record");
    h.set_now("2026-11-20T12:01:00Z");
    let second = h
        .store
        .record_call_tool_call(NewCallToolCall {
            result: json!("Sorry, that time is full."),
            error_code: Some("SLOT_FULL".into()),
            ..record(demo.beyond.id, "retell", "call_a", "book")
        })
        .await
        .expect("record");
    for noise in [
        record(demo.beyond.id, "retell", "call_b", "book"),
        record(demo.beyond.id, "vapi", "call_a", "book"),
        record(demo.askpro.id, "retell", "call_a", "book"),
    ] {
        h.store.record_call_tool_call(noise).await.expect("record");
    }
    h.set_now("2026-11-20T12:02:00Z");
    let third = h
        .store
        .record_call_tool_call(record(demo.beyond.id, "retell", "call_a", "book"))
        .await
        .expect("record");

    // Assert
    assert_eq!(first.arguments["service"], "iniciante1_esq");
    assert_eq!(first.result, json!({ "slots": ["09:00", "10:00"] }));
    assert_eq!(first.at, ts(NOW));
    assert_eq!(second.result, json!("Sorry, that time is full."));
    assert_eq!(second.error_code.as_deref(), Some("SLOT_FULL"));
    let listed = h
        .store
        .list_call_tool_calls(demo.beyond.id, "retell", "call_a")
        .await
        .expect("list");
    assert_eq!(listed, [first, second, third], "in order, that call only");
    let theirs = h
        .store
        .list_call_tool_calls(demo.askpro.id, "retell", "call_a")
        .await
        .expect("list");
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0].company_id, demo.askpro.id);
    assert!(
        h.store
            .list_call_tool_calls(demo.askpro.id, "retell", "call_b")
            .await
            .expect("list")
            .is_empty(),
        "another company's call"
    );
}

async fn calls_are_listed_newest_first_with_their_customers(h: Harness) {
    // Arrange
    let demo = h.demo().await;
    let rafael = demo.rafael.customer_id.expect("Rafael is a customer");
    let call = |company_id: CompanyId, id: &str, customer_id: Option<i64>, at: &str| CallUpdate {
        company_id,
        provider: "retell".into(),
        external_id: id.into(),
        from_number: Some("+5511999999999".into()),
        customer_id,
        now: ts(at),
        ..Default::default()
    };
    let store = &h.store;
    let oldest = store
        .upsert_call(call(
            demo.beyond.id,
            "c1",
            Some(rafael),
            "2026-11-20T09:00:00Z",
        ))
        .await
        .expect("call");
    let anonymous = store
        .upsert_call(call(demo.beyond.id, "c2", None, "2026-11-20T10:00:00Z"))
        .await
        .expect("call");
    let tied_first = store
        .upsert_call(call(
            demo.beyond.id,
            "c3",
            Some(rafael),
            "2026-11-20T11:00:00Z",
        ))
        .await
        .expect("call");
    let tied_second = store
        .upsert_call(call(demo.beyond.id, "c4", None, "2026-11-20T11:00:00Z"))
        .await
        .expect("call");
    let theirs = store
        .upsert_call(call(demo.askpro.id, "c5", None, "2026-11-20T11:30:00Z"))
        .await
        .expect("call");
    // A later update keeps the call's place (created_at).
    store
        .upsert_call(call(demo.beyond.id, "c1", None, "2026-11-20T11:45:00Z"))
        .await
        .expect("update");

    // Act
    let all = store
        .list_calls(CallQuery {
            company_id: demo.beyond.id,
            before: None,
            limit: 50,
        })
        .await
        .expect("list");
    let page1 = store
        .list_calls(CallQuery {
            company_id: demo.beyond.id,
            before: None,
            limit: 2,
        })
        .await
        .expect("page 1");
    let page2 = store
        .list_calls(CallQuery {
            company_id: demo.beyond.id,
            before: Some(page1.last().expect("a call").call.created_at),
            limit: 2,
        })
        .await
        .expect("page 2");

    // Assert
    let ids = |list: &[frontdesk_store::CallSummary]| -> Vec<i64> {
        list.iter().map(|s| s.call.id).collect()
    };
    assert_eq!(
        ids(&all),
        [tied_second.id, tied_first.id, anonymous.id, oldest.id],
        "newest first, the later id first on a tie, this company's only"
    );
    assert_eq!(ids(&page1), [tied_second.id, tied_first.id]);
    assert_eq!(ids(&page2), [anonymous.id, oldest.id]);
    let by_id = |id: i64| all.iter().find(|s| s.call.id == id).expect("listed");
    let with_rafael = by_id(tied_first.id);
    assert_eq!(with_rafael.call, tied_first);
    let customer = with_rafael.customer.as_ref().expect("the customer");
    assert_eq!(customer.id, rafael);
    assert_eq!(customer.name.as_deref(), Some("Rafael Silva"));
    assert_eq!(customer.phone, RAFAEL_PHONE);
    assert_eq!(
        customer,
        &store
            .get_customer(demo.beyond.id, rafael)
            .await
            .expect("customer")
    );
    assert!(by_id(anonymous.id).customer.is_none());
    assert_eq!(
        by_id(oldest.id).call.updated_at,
        ts("2026-11-20T11:45:00Z"),
        "the call as it is now"
    );

    let got = store
        .get_call_by_id(demo.beyond.id, anonymous.id)
        .await
        .expect("get");
    assert_eq!(got, anonymous);
    expect_not_found(store.get_call_by_id(demo.beyond.id, theirs.id).await);
    expect_not_found(store.get_call_by_id(demo.askpro.id, oldest.id).await);
}

/// Beyond's customers for the search stories (besides the demo's Rafael Silva, with members
/// Rafael and Lucas Silva): their ids by name.
struct People {
    ana: i64,
    carla: i64,
    daniela: i64,
    nameless: i64,
    rafael: i64,
}

async fn people(h: &Harness, demo: &Demo) -> People {
    let beyond = demo.beyond.id;
    let ana = customer_id(&h.customer(beyond, "+5511988880001", "Ana Souza").await);
    let carla = customer_id(
        &h.customer(beyond, "+5511977770002", "Carla 100% Lima")
            .await,
    );
    let daniela = customer_id(&h.customer(beyond, "+5511966660003", "Daniela Rocha").await);
    for member in ["Pedro Rocha", "Paula Rocha"] {
        h.store
            .upsert_member(NewMember {
                id: None,
                company_id: beyond,
                customer_id: daniela,
                name: member.into(),
                level: None,
                max_active_bookings: None,
                relationship: Some("child".into()),
            })
            .await
            .expect("member");
    }
    let nameless = h
        .store
        .upsert_customer(NewCustomer {
            company_id: beyond,
            phone: "+5511955550004".into(),
            name: None,
            email: None,
            has_linked_account: false,
            now: h.now(),
        })
        .await
        .expect("customer")
        .id;
    // Another company's customers, who match the same searches.
    h.customer(demo.askpro.id, "+491511234567", "Ana Souza")
        .await;
    h.customer(demo.askpro.id, "+491511988880", "Anabela Rocha")
        .await;
    People {
        ana,
        carla,
        daniela,
        nameless,
        rafael: demo.rafael.customer_id.expect("Rafael is a customer"),
    }
}

async fn search(h: &Harness, company_id: CompanyId, text: &str, limit: i64) -> Vec<i64> {
    h.store
        .search_customers(CustomerSearch {
            company_id,
            text: text.into(),
            limit,
        })
        .await
        .unwrap_or_else(|e| panic!("search {text:?}: {e}"))
        .into_iter()
        .map(|c| {
            assert_eq!(c.company_id, company_id, "another company's customer");
            c.id
        })
        .collect()
}

async fn customers_are_searched_by_name_phone_or_member(h: Harness) {
    // Arrange
    let demo = h.demo().await;
    let p = people(&h, &demo).await;
    let beyond = demo.beyond.id;

    // Act / Assert
    assert_eq!(
        search(&h, beyond, "", 50).await,
        [p.ana, p.carla, p.daniela, p.rafael, p.nameless],
        "empty: everyone, by name, the nameless last"
    );
    assert_eq!(search(&h, beyond, "", 2).await, [p.ana, p.carla], "limit");
    assert_eq!(search(&h, beyond, "souz", 50).await, [p.ana], "name part");
    assert_eq!(search(&h, beyond, "SOUZA", 50).await, [p.ana], "any case");
    assert_eq!(search(&h, beyond, "aNa sOuZa", 50).await, [p.ana]);
    assert_eq!(search(&h, beyond, "98888", 50).await, [p.ana], "phone part");
    assert_eq!(
        search(&h, beyond, "55550004", 50).await,
        [p.nameless],
        "a nameless customer by phone"
    );
    assert_eq!(
        search(&h, beyond, "pedro", 50).await,
        [p.daniela],
        "a member's name"
    );
    assert_eq!(
        search(&h, beyond, "rocha", 50).await,
        [p.daniela],
        "once, however many members match"
    );
    assert_eq!(
        search(&h, beyond, "lucas", 50).await,
        [p.rafael],
        "a demo member"
    );
    assert_eq!(
        search(&h, beyond, "silva", 50).await,
        [p.rafael],
        "name and members match: once"
    );
    assert!(search(&h, beyond, "nobody", 50).await.is_empty());
    assert!(
        search(&h, beyond, "+49", 50).await.is_empty(),
        "another company's phone numbers"
    );
    let theirs = search(&h, demo.askpro.id, "ana", 50).await;
    assert_eq!(theirs.len(), 2, "their two Anas: {theirs:?}");
    assert!(!theirs.contains(&p.ana));
}

async fn search_wildcards_are_literal(h: Harness) {
    // Arrange
    let demo = h.demo().await;
    let p = people(&h, &demo).await;
    let beyond = demo.beyond.id;

    // Act / Assert
    assert_eq!(
        search(&h, beyond, "%", 50).await,
        [p.carla],
        "% is a percent sign"
    );
    assert_eq!(search(&h, beyond, "0% l", 50).await, [p.carla]);
    assert!(
        search(&h, beyond, "_", 50).await.is_empty(),
        "_ is an underscore"
    );
    assert!(search(&h, beyond, "a_a", 50).await.is_empty());
    assert!(
        search(&h, beyond, "\\", 50).await.is_empty(),
        "\\ is a backslash"
    );
    assert!(search(&h, beyond, "\\%", 50).await.is_empty());
    assert!(search(&h, beyond, "ana%", 50).await.is_empty());
}

async fn a_customer_is_updated_in_its_company_only(h: Harness) {
    // Arrange
    let demo = h.demo().await;
    let ana = customer_id(
        &h.customer(demo.beyond.id, "+5511988880001", "Ana Souza")
            .await,
    );

    // Act
    let updated = h
        .store
        .update_customer(
            demo.beyond.id,
            ana,
            Some("Ana Souza Lima"),
            Some("ana@example.com"),
        )
        .await
        .expect("update");
    let cleared = h
        .store
        .update_customer(demo.beyond.id, ana, Some("Ana S. Lima"), None)
        .await
        .expect("update");

    // Assert
    assert_eq!(updated.id, ana);
    assert_eq!(updated.name.as_deref(), Some("Ana Souza Lima"));
    assert_eq!(updated.email.as_deref(), Some("ana@example.com"));
    assert_eq!(updated.phone, "+5511988880001", "the phone stays");
    assert_eq!(cleared.name.as_deref(), Some("Ana S. Lima"));
    assert_eq!(cleared.email, None, "None clears the e-mail");
    assert_eq!(
        h.store
            .get_customer(demo.beyond.id, ana)
            .await
            .expect("get"),
        cleared
    );
    expect_not_found(
        h.store
            .update_customer(demo.askpro.id, ana, Some("Hijacked"), None)
            .await,
    );
    expect_not_found(
        h.store
            .update_customer(demo.beyond.id, ana + 1000, Some("Nobody"), None)
            .await,
    );
    assert_eq!(
        h.store
            .get_customer(demo.beyond.id, ana)
            .await
            .expect("get")
            .name
            .as_deref(),
        Some("Ana S. Lima"),
        "another company's update changed nothing"
    );
}

/// Books the service with this code for `caller` (for `member_id`, when given); its id.
async fn booked(
    h: &Harness,
    caller: &Caller,
    code: &str,
    on: jiff::civil::Date,
    at: jiff::civil::Time,
    member_id: Option<i64>,
) -> BookingId {
    let mut req = book(code, on, at);
    req.member_id = member_id;
    req.notify_customer = false;
    h.engine
        .book(caller, req)
        .await
        .unwrap_or_else(|e| panic!("book {code} on {on} at {at}: {e}"))
        .booking
        .id
}

/// The desk's bookings of `query`, which must be exactly the bookings `list_bookings` lists,
/// in its order; their ids.
async fn desk(h: &Harness, query: BookingQuery) -> (Vec<BookingId>, Vec<DeskBooking>) {
    let listed = h.store.list_bookings(&query).await.expect("list bookings");
    let desk = h.store.desk_bookings(&query).await.expect("desk bookings");
    assert_eq!(
        desk.iter().map(|d| d.booking.clone()).collect::<Vec<_>>(),
        listed,
        "the desk lists what list_bookings lists for {query:?}"
    );
    (desk.iter().map(|d| d.booking.id).collect(), desk)
}

async fn desk_bookings_are_the_listed_bookings_with_their_names(h: Harness) {
    // Arrange: Saturday's and Sunday's bookings at Beyond (São Paulo, UTC-3): Rafael's two
    // members, Ana and a nameless customer (neither with members), and one at AskProAI.
    let demo = h.demo().await;
    let beyond = demo.beyond.id;
    let (saturday, sunday) = (date(2026, 11, 21), date(2026, 11, 22));
    const INT2_LEFT: &str = "intermediario2-lado-esquerdo";
    const INI2_LEFT: &str = "iniciante2-lado-esquerdo";
    let ana_phone = br_phone(1);
    let ana = h.customer(beyond, &ana_phone, "Ana Souza").await;
    let nameless_phone = br_phone(2);
    let nameless = h
        .store
        .upsert_customer(NewCustomer {
            company_id: beyond,
            phone: nameless_phone.clone(),
            name: None,
            email: None,
            has_linked_account: false,
            now: h.now(),
        })
        .await
        .expect("customer");
    let nameless = Caller::customer(beyond, nameless.id, Some(nameless.phone));

    let anas_sunday = booked(&h, &ana, INT2_LEFT, sunday, time(8, 0), None).await;
    let rafaels = booked(
        &h,
        &demo.rafael,
        INT2_LEFT,
        saturday,
        time(8, 0),
        Some(RAFAEL_MEMBER),
    )
    .await;
    let anas_eight = booked(&h, &ana, INT2_LEFT, saturday, time(8, 0), None).await;
    let lucas = booked(
        &h,
        &demo.rafael,
        INI2_LEFT,
        saturday,
        time(9, 0),
        Some(LUCAS_MEMBER),
    )
    .await;
    let anas_noon = booked(&h, &ana, INT2_LEFT, saturday, time(12, 0), None).await;
    let namelesss = booked(&h, &nameless, INT2_LEFT, sunday, time(12, 0), None).await;
    h.engine
        .cancel(&ana, &BookingRef::Id(anas_noon), None)
        .await
        .expect("cancel");
    let mut johns = book("beratung", date(2026, 11, 24), time(10, 0));
    johns.notify_customer = false;
    let johns = h
        .engine
        .book(&demo.john, johns)
        .await
        .expect("John books")
        .booking
        .id;

    let every = || BookingQuery {
        company_id: beyond,
        limit: 5000,
        ..Default::default()
    };

    // Act / Assert: the same bookings in the same order...
    let (all, everything) = desk(&h, every()).await;
    assert_eq!(
        all,
        [
            rafaels,
            anas_eight,
            lucas,
            anas_noon,
            anas_sunday,
            namelesss
        ],
        "oldest start first, the earlier id first on a tie, this company's only"
    );
    let saturday_only = BookingQuery {
        ends_after: Some(ts("2026-11-21T03:00:00Z")),
        starts_before: Some(ts("2026-11-22T03:00:00Z")),
        ..every()
    };
    let (day, _) = desk(&h, saturday_only.clone()).await;
    assert_eq!(day, [rafaels, anas_eight, lucas, anas_noon], "Saturday");
    let confirmed = BookingQuery {
        statuses: vec![BookingStatus::Confirmed],
        ..every()
    };
    let (active, _) = desk(&h, confirmed.clone()).await;
    assert_eq!(active, [rafaels, anas_eight, lucas, anas_sunday, namelesss]);
    let (saturday_active, _) = desk(
        &h,
        BookingQuery {
            statuses: vec![BookingStatus::Confirmed, BookingStatus::Held],
            ..saturday_only.clone()
        },
    )
    .await;
    assert_eq!(saturday_active, [rafaels, anas_eight, lucas]);
    let (cancelled, _) = desk(
        &h,
        BookingQuery {
            statuses: vec![BookingStatus::Cancelled],
            ..every()
        },
    )
    .await;
    assert_eq!(cancelled, [anas_noon]);
    let (newest, _) = desk(
        &h,
        BookingQuery {
            newest_first: true,
            ..every()
        },
    )
    .await;
    assert_eq!(
        newest,
        [
            namelesss,
            anas_sunday,
            anas_noon,
            lucas,
            anas_eight,
            rafaels
        ],
        "newest start first, the later id first on a tie"
    );
    let (first_two, _) = desk(
        &h,
        BookingQuery {
            limit: 2,
            ..every()
        },
    )
    .await;
    assert_eq!(first_two, [rafaels, anas_eight], "limit");
    let (last_two_active, _) = desk(
        &h,
        BookingQuery {
            newest_first: true,
            limit: 2,
            ..confirmed
        },
    )
    .await;
    assert_eq!(last_two_active, [namelesss, anas_sunday]);
    let (anas, _) = desk(
        &h,
        BookingQuery {
            customer_id: Some(customer_id(&ana)),
            ..every()
        },
    )
    .await;
    assert_eq!(anas, [anas_eight, anas_noon, anas_sunday], "a customer's");
    let (lucass, _) = desk(
        &h,
        BookingQuery {
            member_id: Some(LUCAS_MEMBER),
            ..every()
        },
    )
    .await;
    assert_eq!(lucass, [lucas], "a member's");
    let (defaulted, _) = desk(
        &h,
        BookingQuery {
            limit: 0,
            ..every()
        },
    )
    .await;
    assert_eq!(defaulted, all, "no limit: the default one");

    // ...with their names: the member's (none for a booking without one) and the customer's.
    let names = |d: &DeskBooking| {
        (
            d.booking.id,
            d.member_name.clone(),
            d.customer_name.clone(),
            d.customer_phone.clone(),
        )
    };
    let some = |s: &str| Some(s.to_string());
    assert_eq!(
        everything.iter().map(names).collect::<Vec<_>>(),
        [
            (
                rafaels,
                some("Rafael Silva"),
                some("Rafael Silva"),
                RAFAEL_PHONE.to_string()
            ),
            (anas_eight, None, some("Ana Souza"), ana_phone.clone()),
            (
                lucas,
                some("Lucas Silva"),
                some("Rafael Silva"),
                RAFAEL_PHONE.to_string()
            ),
            (anas_noon, None, some("Ana Souza"), ana_phone.clone()),
            (anas_sunday, None, some("Ana Souza"), ana_phone.clone()),
            (namelesss, None, None, nameless_phone.clone()),
        ]
    );
    let (theirs, their_desk) = desk(
        &h,
        BookingQuery {
            company_id: demo.askpro.id,
            ..every()
        },
    )
    .await;
    assert!(theirs.contains(&johns), "{theirs:?}");
    assert!(!theirs.iter().any(|id| all.contains(id)));
    for d in &their_desk {
        // The demo's appointment and the one booked above: John's, for his member.
        assert_eq!(
            (
                d.member_name.as_deref(),
                d.customer_name.as_deref(),
                d.customer_phone.as_str()
            ),
            (Some("John Doe"), Some("John Doe"), JOHN_PHONE),
            "booking {}",
            d.booking.id
        );
    }
}
