//! The MCP booking tools end to end, in process: `FrontdeskMcp` served on one end of a duplex
//! pipe and rmcp's client on the other, over the demo businesses on a temporary SQLite file,
//! with the clock pinned to Friday 2026-11-20 12:00 UTC (09:00 in São Paulo, 13:00 in Berlin).

use frontdesk_conversation::TOOL_NAMES;
use frontdesk_domain::BookingSource;
use frontdesk_engine::{BookRequest, Caller, Engine, FixedClock};
use frontdesk_server::mcp::tools::FrontdeskMcp;
use frontdesk_store::{NewCustomer, NewMember};
use frontdesk_store_sqlite::SqliteStore;
use jiff::civil::date;
use rmcp::model::{CallToolRequestParams, CallToolResult};
use rmcp::service::RunningService;
use rmcp::{RoleClient, ServiceExt};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;

const RAFAEL: &str = "+5511999999999";
const JOHN: &str = "+491234567890";

struct Fixture {
    engine: Engine,
    clock: Arc<FixedClock>,
    beyond: i64,
    askpro: i64,
    _dir: tempfile::TempDir,
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("frontdesk.db");
    let store = SqliteStore::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("store");
    let clock = Arc::new(FixedClock::new(
        "2026-11-20T12:00:00Z".parse().expect("instant"),
    ));
    let engine = Engine::with_clock(Arc::new(store), clock.clone());
    let loaded = engine.load_demo().await.expect("demo businesses");
    let id = |slug: &str| {
        loaded
            .iter()
            .find(|s| s.company.slug == slug)
            .expect(slug)
            .company
            .id
    };
    Fixture {
        beyond: id("beyond-the-club"),
        askpro: id("askproai-demo"),
        engine,
        clock,
        _dir: dir,
    }
}

impl Fixture {
    /// The company's notifications not yet sent, oldest first.
    async fn outbox(&self, company_id: i64) -> Vec<frontdesk_store::Notification> {
        self.engine
            .store()
            .list_pending_notifications(Some(company_id), 100)
            .await
            .expect("outbox")
    }

    async fn caller(&self, company_id: i64, phone: &str) -> Caller {
        self.engine
            .identify(company_id, phone)
            .await
            .expect("identify")
            .caller
    }

    /// A customer of `company_id` with one member, made directly in the store.
    async fn customer(&self, company_id: i64, phone: &str, name: &str) -> (Caller, i64) {
        let store = self.engine.store();
        let customer = store
            .upsert_customer(NewCustomer {
                company_id,
                phone: phone.to_string(),
                name: Some(name.to_string()),
                email: None,
                has_linked_account: false,
                now: self.engine.now(),
            })
            .await
            .expect("customer");
        let member = store
            .upsert_member(NewMember {
                id: None,
                company_id,
                customer_id: customer.id,
                name: name.to_string(),
                level: None,
                max_active_bookings: None,
                relationship: Some("self".into()),
            })
            .await
            .expect("member");
        (
            Caller::customer(company_id, customer.id, Some(phone.to_string())),
            member.id,
        )
    }
}

type Client = RunningService<RoleClient, ()>;

async fn connect(engine: &Engine, caller: Caller) -> Client {
    connect_handler(FrontdeskMcp::for_caller(engine.clone(), caller)).await
}

async fn connect_handler(handler: FrontdeskMcp) -> Client {
    let (server_io, client_io) = tokio::io::duplex(1 << 16);
    tokio::spawn(async move {
        if let Ok(running) = handler.serve(server_io).await {
            let _ = running.waiting().await;
        }
    });
    ().serve(client_io).await.expect("client connects")
}

async fn call(client: &Client, name: &str, args: Value) -> CallToolResult {
    let args = args.as_object().cloned().unwrap_or_default();
    client
        .call_tool(CallToolRequestParams::new(name.to_string()).with_arguments(args))
        .await
        .unwrap_or_else(|e| panic!("{name}: tools/call failed: {e}"))
}

/// A call that must succeed: its structured content and its text.
async fn ok(client: &Client, name: &str, args: Value) -> (Value, String) {
    let result = call(client, name, args).await;
    let (text, data) = (text(&result), data(&result));
    assert_eq!(result.is_error, Some(false), "{name} failed: {text} {data}");
    (data, text)
}

/// A call that must fail as a tool result: its structured content and its text.
async fn refused(client: &Client, name: &str, args: Value) -> (Value, String) {
    let result = call(client, name, args).await;
    let (text, data) = (text(&result), data(&result));
    assert_eq!(
        result.is_error,
        Some(true),
        "{name} should fail: {text} {data}"
    );
    assert_eq!(result.content.len(), 1, "one text content");
    (data, text)
}

fn text(result: &CallToolResult) -> String {
    result
        .content
        .first()
        .and_then(|c| c.as_text())
        .map(|t| t.text.clone())
        .unwrap_or_default()
}

fn data(result: &CallToolResult) -> Value {
    result.structured_content.clone().unwrap_or(Value::Null)
}

fn beyond_booking(member_id: i64, time: &str) -> Value {
    json!({
        "member_id": member_id,
        "level": "Intermediario2",
        "wave_side": "Lado_esquerdo",
        "date": "tomorrow",
        "time": time,
    })
}

#[tokio::test]
async fn tools_list_shows_every_tool_with_schemas_and_annotations() {
    let fx = fixture().await;
    let client = connect(&fx.engine, fx.caller(fx.beyond, RAFAEL).await).await;

    let info = client.peer_info().expect("server info");
    assert_eq!(
        info.server_info.as_ref().map(|i| i.name.as_str()),
        Some("frontdesk")
    );
    assert!(
        info.instructions
            .as_deref()
            .is_some_and(|i| i.contains("book_session"))
    );

    let tools = client.list_all_tools().await.expect("tools/list");
    let mut names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    names.sort_unstable();
    let mut expected = TOOL_NAMES.to_vec();
    expected.sort_unstable();
    assert_eq!(names, expected);

    for tool in &tools {
        let name = tool.name.as_ref();
        assert_eq!(
            tool.input_schema.get("type"),
            Some(&json!("object")),
            "{name} input"
        );
        let output = tool
            .output_schema
            .as_ref()
            .unwrap_or_else(|| panic!("{name} has no outputSchema"));
        assert_eq!(output.get("type"), Some(&json!("object")), "{name} output");
        assert!(
            tool.description.as_ref().is_some_and(|d| d.len() > 40),
            "{name} description"
        );
        let hints = tool
            .annotations
            .as_ref()
            .unwrap_or_else(|| panic!("{name} has no annotations"));
        let read_only = name.starts_with("get_");
        assert_eq!(hints.read_only_hint, Some(read_only), "{name} readOnlyHint");
        assert_eq!(
            hints.destructive_hint,
            Some(matches!(name, "cancel_booking" | "leave_waitlist")),
            "{name} destructiveHint"
        );
        let idempotent = read_only
            || matches!(
                name,
                "set_member_preferences" | "cancel_booking" | "join_waitlist" | "leave_waitlist"
            );
        assert_eq!(
            hints.idempotent_hint,
            Some(idempotent),
            "{name} idempotentHint"
        );
    }

    let book = tools
        .iter()
        .find(|t| t.name == "book_session")
        .expect("book_session");
    assert!(
        book.description
            .as_ref()
            .is_some_and(|d| d.contains("idempotency_key"))
    );
    assert_eq!(
        book.input_schema.get("required"),
        Some(&json!(["date", "time"]))
    );
    let props = book.input_schema.get("properties").expect("properties");
    assert_eq!(props["member_id"]["type"], json!("integer"));
    assert!(
        props["member_id"]["description"]
            .as_str()
            .is_some_and(|d| !d.is_empty())
    );
    let bookings = tools
        .iter()
        .find(|t| t.name == "get_bookings")
        .expect("get_bookings");
    let output = bookings.output_schema.as_ref().expect("output schema");
    assert!(output["properties"]["bookings"].is_object());
}

#[tokio::test]
async fn a_whole_call_at_beyond_speaks_portuguese() {
    let fx = fixture().await;
    let client = connect(&fx.engine, fx.caller(fx.beyond, RAFAEL).await).await;

    let (members, text) = ok(&client, "get_members", json!({})).await;
    assert_eq!(members["known_caller"], json!(true));
    let ids: Vec<i64> = members["members"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|m| m["member_id"].as_i64())
        .collect();
    assert_eq!(ids, vec![12345, 12346]);
    assert_eq!(text, "Membros da conta: Rafael Silva e Lucas Silva.");

    let (slots, text) = ok(
        &client,
        "get_availability",
        json!({"date": "tomorrow", "level": "Intermediario2", "member_id": 12345}),
    )
    .await;
    assert_eq!(slots["date_from"], json!("2026-11-21"));
    assert_eq!(slots["ranked"], json!(true));
    assert_eq!(
        slots["total"],
        json!(6),
        "08:00, 12:00 and 18:00 on both sides"
    );
    let best = &slots["slots"][0];
    assert_eq!(
        (
            best["time"].as_str(),
            best["attributes"]["wave_side"].as_str()
        ),
        (Some("08:00"), Some("Lado_esquerdo"))
    );
    assert_eq!(best["remaining"], json!(6));
    assert!(
        text.starts_with("Melhores opções para Rafael Silva: sábado, 21 de novembro às 08:00"),
        "{text}"
    );

    let mut booking = beyond_booking(12345, "08:00");
    booking["date"] = json!("amanhã");
    booking["idempotency_key"] = json!("call-1/1");
    let (booked, text) = ok(&client, "book_session", booking.clone()).await;
    let first = &booked["booking"];
    assert_eq!(first["status"], json!("confirmed"));
    assert_eq!(
        (first["date"].as_str(), first["time"].as_str()),
        (Some("2026-11-21"), Some("08:00"))
    );
    assert_eq!(first["member"], json!("Rafael Silva"));
    assert_eq!(booked["confirmation_sent"], json!(true));
    let (id, voucher) = (
        first["booking_id"].as_i64().expect("id"),
        first["voucher_code"].as_str().expect("code").to_string(),
    );
    assert_eq!(
        text,
        format!(
            "Reserva confirmada: Intermediario2, Lado esquerdo para Rafael Silva, sábado, 21 de novembro às 08:00. O código da reserva é {voucher}."
        )
    );

    let (again, text) = ok(&client, "book_session", booking).await;
    assert_eq!(
        again["replayed"],
        json!(true),
        "the same idempotency key returns the first booking"
    );
    assert_eq!(again["booking"]["booking_id"], json!(id));
    assert_eq!(
        again["confirmation_sent"],
        json!(false),
        "a replay queues no second text"
    );
    assert!(text.starts_with("Essa reserva já estava feita"), "{text}");

    let (listed, text) = ok(&client, "get_bookings", json!({"member_id": 12345})).await;
    assert_eq!(listed["count"], json!(1));
    assert_eq!(listed["bookings"][0]["voucher_code"], json!(voucher));
    assert!(text.starts_with("Reservas futuras: Intermediario2, Lado esquerdo para Rafael Silva, sábado, 21 de novembro às 08:00"), "{text}");

    let (moved, text) = ok(
        &client,
        "reschedule_booking",
        json!({"voucher_code": voucher.to_lowercase(), "date": "domingo", "time": "12:00"}),
    )
    .await;
    assert_eq!(moved["before"]["time"], json!("08:00"));
    assert_eq!(
        (
            moved["after"]["date"].as_str(),
            moved["after"]["time"].as_str()
        ),
        (Some("2026-11-22"), Some("12:00"))
    );
    assert_eq!(moved["after"]["booking_id"], json!(id));
    assert_eq!(moved["confirmation_sent"], json!(true));
    assert_eq!(
        text,
        format!(
            "Reserva {voucher} remarcada de sábado, 21 de novembro às 08:00 para domingo, 22 de novembro às 12:00, Intermediario2, Lado esquerdo."
        )
    );

    let (cancelled, text) = ok(
        &client,
        "cancel_booking",
        json!({"booking_id": id, "reason": "viagem"}),
    )
    .await;
    assert_eq!(cancelled["booking"]["status"], json!("cancelled"));
    assert_eq!(cancelled["booking"]["cancellation_reason"], json!("viagem"));
    assert_eq!(cancelled["refund_applicable"], json!(true));
    assert_eq!(cancelled["confirmation_sent"], json!(true));
    assert!(
        text.starts_with(&format!("Reserva {voucher} cancelada:"))
            && text.ends_with("O cancelamento é gratuito."),
        "{text}"
    );

    let (again, text) = ok(&client, "cancel_booking", json!({"voucher_code": voucher})).await;
    assert_eq!(text, format!("A reserva {voucher} já estava cancelada."));
    assert_eq!(again["confirmation_sent"], json!(false));

    // Each change reached the outbox once, addressed to the caller's number.
    let outbox = fx.outbox(fx.beyond).await;
    let queued: Vec<(&str, Option<i64>, &str)> = outbox
        .iter()
        .map(|n| (n.kind.as_str(), n.booking_id, n.recipient.as_str()))
        .collect();
    assert_eq!(
        queued,
        vec![
            ("booking_confirmed", Some(id), RAFAEL),
            ("booking_rescheduled", Some(id), RAFAEL),
            ("booking_cancelled", Some(id), RAFAEL),
        ]
    );
    let (upcoming, text) = ok(&client, "get_bookings", json!({})).await;
    assert_eq!(
        (upcoming["count"].as_i64(), text.as_str()),
        (Some(0), "Não há reservas futuras.")
    );
    let (history, _) = ok(&client, "get_bookings", json!({"status": "cancelled"})).await;
    assert_eq!(history["count"], json!(1));
}

#[tokio::test]
async fn a_whole_call_at_askproai_speaks_german() {
    let fx = fixture().await;
    let client = connect(&fx.engine, fx.caller(fx.askpro, JOHN).await).await;

    let (members, text) = ok(&client, "get_members", json!({})).await;
    assert_eq!(members["members"][0]["name"], json!("John Doe"));
    assert_eq!(text, "Mitglieder des Kontos: John Doe.");

    // The demo holds an appointment for John on the first bookable day: Monday 14:00.
    // Written from the demo file, it messaged nobody.
    let outbox = fx.outbox(fx.askpro).await;
    assert!(outbox.is_empty(), "{outbox:?}");
    let (held, text) = ok(&client, "get_bookings", json!({})).await;
    assert_eq!(held["count"], json!(1));
    assert!(text.starts_with("Anstehende Termine: Beratung für John Doe, Montag, 23. November um 14:00 Uhr, bei Dr. Smith"), "{text}");

    let (slots, text) = ok(
        &client,
        "get_availability",
        json!({"date": "Montag", "service": "beratung"}),
    )
    .await;
    let times: Vec<&str> = slots["slots"]
        .as_array()
        .expect("slots")
        .iter()
        .filter_map(|s| s["time"].as_str())
        .collect();
    assert!(
        times.contains(&"09:00") && !times.contains(&"14:00") && !times.contains(&"13:30"),
        "{times:?}"
    );
    assert!(
        text.starts_with("Freie Termine für Beratung: Montag, 23. November: 09:00, 09:30"),
        "{text}"
    );

    let (booked, text) = ok(
        &client,
        "book_session",
        json!({"service": "Beratung", "date": "2026-11-24", "time": "10:00"}),
    )
    .await;
    let voucher = booked["booking"]["voucher_code"]
        .as_str()
        .expect("code")
        .to_string();
    assert_eq!(booked["booking"]["staff"], json!("Dr. Smith"));
    assert_eq!(
        text,
        format!(
            "Gebucht: Beratung für John Doe, Dienstag, 24. November um 10:00 Uhr, bei Dr. Smith. Der Buchungscode ist {voucher}."
        )
    );

    let (_, text) = ok(
        &client,
        "reschedule_booking",
        json!({"voucher_code": voucher, "date": "2026-11-25", "time": "11:30"}),
    )
    .await;
    assert_eq!(
        text,
        format!(
            "Termin {voucher} verschoben von Dienstag, 24. November um 10:00 Uhr auf Mittwoch, 25. November um 11:30 Uhr, Beratung."
        )
    );
    let (_, text) = ok(&client, "cancel_booking", json!({"voucher_code": voucher})).await;
    assert!(
        text.starts_with(&format!(
            "Termin {voucher} storniert: Beratung für John Doe, Mittwoch, 25. November um 11:30 Uhr"
        )),
        "{text}"
    );
    assert!(text.ends_with("Die Stornierung ist kostenlos."), "{text}");

    let (info, text) = ok(&client, "get_business_info", json!({})).await;
    assert_eq!(info["language"], json!("de-DE"));
    assert!(text.starts_with("AskProAI Demo, Friedrichstraße 100, 10117 Berlin. Telefon +493083793369. Jetzt ist es 13:00 Uhr am Freitag, 20. November. Heute geöffnet von 09:00 bis 18:00 Uhr."), "{text}");
}

#[tokio::test]
async fn legacy_names_are_called_but_not_listed() {
    let fx = fixture().await;
    let client = connect(&fx.engine, fx.caller(fx.beyond, RAFAEL).await).await;
    let listed = client.list_all_tools().await.expect("tools/list");
    assert!(
        !listed
            .iter()
            .any(|t| t.name == "check_availability" || t.name == "list_bookings")
    );

    let args = json!({"date": "2026-11-21", "level": "Avançado1", "wave_side": "Lado_direito"});
    let (via_alias, alias_text) = ok(&client, "check_availability", args.clone()).await;
    let (direct, direct_text) = ok(&client, "get_availability", args).await;
    assert_eq!(via_alias, direct);
    assert_eq!(alias_text, direct_text);
    assert_eq!(direct["total"], json!(2));

    ok(&client, "book_session", beyond_booking(12346, "12:00")).await;
    let (bookings, _) = ok(&client, "list_bookings", json!({"member_id": 12346})).await;
    assert_eq!(bookings["count"], json!(1));

    let unknown = client
        .call_tool(CallToolRequestParams::new("no_such_tool"))
        .await;
    assert!(unknown.is_err(), "an unknown tool is a protocol error");
}

#[tokio::test]
async fn bad_input_is_a_tool_error_that_says_what_to_send() {
    let fx = fixture().await;
    let client = connect(&fx.engine, fx.caller(fx.beyond, RAFAEL).await).await;

    let (err, text) = refused(&client, "get_availability", json!({"date": "someday"})).await;
    assert_eq!(
        (err["code"].as_str(), err["field"].as_str()),
        (Some("INVALID_INPUT"), Some("date"))
    );
    assert!(
        text.starts_with("date inválido (\"someday\"): envie a data como AAAA-MM-DD"),
        "{text}"
    );

    for wrong in [
        json!("doze"),
        json!(true),
        json!([12345, 12346]),
        json!({"id": 12345}),
        json!(12.5),
    ] {
        let (err, text) = refused(
            &client,
            "get_member_preferences",
            json!({"member_id": wrong}),
        )
        .await;
        assert_eq!(err["field"], json!("member_id"), "{wrong}");
        assert!(
            text.contains("envie um número inteiro, como 12345"),
            "{text}"
        );
    }
    // A number sent as a string is understood.
    let (prefs, text) = ok(
        &client,
        "get_member_preferences",
        json!({"member_id": "12345"}),
    )
    .await;
    assert_eq!(prefs["preferences"]["target_hours"], json!(["08:00"]));
    assert_eq!(
        text,
        "Preferências de Rafael Silva: nível Intermediario2; lado da onda Lado esquerdo; horário 08:00."
    );

    let (err, text) = refused(&client, "book_session", json!({"member_id": 12345})).await;
    assert_eq!(err["field"], json!("date"));
    assert!(text.starts_with("Falta date:"), "{text}");
    let (err, text) = refused(
        &client,
        "book_session",
        json!({"member_id": 12345, "date": "tomorrow", "time": "25:99"}),
    )
    .await;
    assert_eq!(err["field"], json!("time"));
    assert!(text.contains("HH:MM"), "{text}");
    let (err, _) = refused(
        &client,
        "book_session",
        json!({"member_id": 12345, "date": 20261121, "time": "08:00"}),
    )
    .await;
    assert_eq!(err["field"], json!("date"));

    let (err, text) = refused(&client, "book_session", beyond_booking(99999, "08:00")).await;
    assert_eq!(err["code"], json!("NOT_FOUND"));
    assert!(text.contains("get_members"), "{text}");

    let (err, text) = refused(&client, "get_bookings", json!({"status": "soon"})).await;
    assert_eq!(err["field"], json!("status"));
    assert!(text.contains("upcoming, past, cancelled ou all"), "{text}");

    let (err, text) = refused(
        &client,
        "get_availability",
        json!({"date_from": "2026-11-21", "date_to": "2027-01-31"}),
    )
    .await;
    assert_eq!(err["code"], json!("RANGE_TOO_LONG"));
    assert!(text.contains("no máximo 31 dias"), "{text}");

    let (err, text) = refused(
        &client,
        "get_availability",
        json!({"level": "Profissional"}),
    )
    .await;
    assert_eq!(
        (err["code"].as_str(), err["field"].as_str()),
        (Some("INVALID_INPUT"), Some("attributes"))
    );
    assert!(
        text.contains("Intermediario2"),
        "known values are listed: {text}"
    );

    let (err, text) = refused(&client, "cancel_booking", json!({})).await;
    assert_eq!(err["field"], json!("booking_id"));
    assert!(text.contains("voucher_code"), "{text}");
    let (err, _) = refused(
        &client,
        "cancel_booking",
        json!({"booking_id": "not a code"}),
    )
    .await;
    assert_eq!(err["field"], json!("booking_id"));

    let (err, text) = refused(
        &client,
        "set_member_preferences",
        json!({"member_id": 12345, "target_weekdays": ["someday"]}),
    )
    .await;
    assert_eq!(err["field"], json!("target_weekdays"));
    assert!(text.contains("saturday"), "{text}");

    // Still serving after all that.
    ok(&client, "get_members", json!({})).await;
}

#[tokio::test]
async fn preferences_are_merged_and_rank_availability() {
    let fx = fixture().await;
    let client = connect(&fx.engine, fx.caller(fx.beyond, RAFAEL).await).await;

    let (saved, text) = ok(
        &client,
        "set_member_preferences",
        json!({"member_name": "lucas", "level": "Iniciante2", "wave_side": "Lado_direito", "target_hours": "17:00", "target_weekdays": ["domingo"], "notes": "prefere a tarde"}),
    )
    .await;
    assert_eq!(saved["member_id"], json!(12346));
    assert_eq!(
        saved["preferences"]["attributes"],
        json!({"level": ["Iniciante2"], "wave_side": ["Lado_direito"]})
    );
    assert_eq!(saved["preferences"]["target_weekdays"], json!(["sunday"]));
    assert!(
        text.starts_with("Preferências de Lucas Silva salvas:"),
        "{text}"
    );

    let (saved, _) = ok(
        &client,
        "set_member_preferences",
        json!({"member_id": 12346, "target_hours": ["09:00"]}),
    )
    .await;
    assert_eq!(saved["preferences"]["target_hours"], json!(["09:00"]));
    assert_eq!(
        saved["preferences"]["notes"],
        json!("prefere a tarde"),
        "fields left out are kept"
    );

    let (slots, _) = ok(&client, "get_availability", json!({"date_from": "tomorrow", "date_to": "2026-11-22", "level": "Iniciante2", "member_id": 12346})).await;
    let best = &slots["slots"][0];
    assert_eq!(
        (best["date"].as_str(), best["time"].as_str()),
        (Some("2026-11-22"), Some("09:00"))
    );
    assert_eq!(best["attributes"]["wave_side"], json!("Lado_direito"));
}

#[tokio::test]
async fn refusals_say_the_rule_and_offer_alternatives() {
    let fx = fixture().await;
    let rafael = connect(&fx.engine, fx.caller(fx.beyond, RAFAEL).await).await;

    // Quota: one active booking per member at Beyond.
    let (first, _) = ok(&rafael, "book_session", beyond_booking(12345, "08:00")).await;
    let held = first["booking"]["voucher_code"].clone();
    let (err, text) = refused(&rafael, "book_session", beyond_booking(12345, "12:00")).await;
    assert_eq!(
        (err["code"].as_str(), err["rule"].as_str()),
        (Some("QUOTA_REACHED"), Some("quota"))
    );
    assert_eq!(err["active_bookings"][0]["voucher_code"], held);
    assert!(
        text.starts_with("Rafael Silva já tem 1 reserva ativa e o máximo permitido é 1."),
        "{text}"
    );
    assert!(text.contains("Reserva ativa: Intermediario2, Lado esquerdo para Rafael Silva, sábado, 21 de novembro às 08:00"), "{text}");

    // Two members and none named: which one?
    let (err, text) = refused(&rafael, "book_session", json!({"level": "Iniciante2", "wave_side": "Lado_direito", "date": "tomorrow", "time": "09:00"})).await;
    assert_eq!(err["code"], json!("MEMBER_REQUIRED"));
    assert_eq!(err["member_ids"], json!([12345, 12346]));
    assert!(
        text.contains("Rafael Silva (12345) ou Lucas Silva (12346)"),
        "{text}"
    );

    // Full: six other surfers take the 12:00 left-side session.
    for i in 0..6 {
        let (caller, member_id) = fx
            .customer(
                fx.beyond,
                &format!("+55119888000{i:02}"),
                &format!("Surfista {i}"),
            )
            .await;
        let mut req = BookRequest::new(
            date(2026, 11, 21),
            jiff::civil::time(12, 0, 0, 0),
            BookingSource::Admin,
        );
        req.member_id = Some(member_id);
        req.attributes = BTreeMap::from([
            ("level".into(), "Intermediario2".into()),
            ("wave_side".into(), "Lado_esquerdo".into()),
        ]);
        fx.engine.book(&caller, req).await.expect("a place");
    }
    let (err, text) = refused(&rafael, "book_session", beyond_booking(12346, "12:00")).await;
    assert_eq!(
        (err["code"].as_str(), err["rule"].as_str()),
        (Some("SLOT_FULL"), Some("full"))
    );
    let alternatives = err["alternatives"].as_array().expect("alternatives");
    assert!(!alternatives.is_empty());
    assert!(
        alternatives
            .iter()
            .all(|a| a["time"] != json!("12:00") || a["date"] != json!("2026-11-21"))
    );
    assert_eq!(
        text,
        "A sessão de Intermediario2, Lado esquerdo em sábado, 21 de novembro às 12:00 está lotada. Horários livres de Intermediario2, Lado esquerdo: sábado, 21 de novembro às 08:00 ou 18:00; domingo, 22 de novembro às 08:00."
    );

    // Window: Beyond opens bookings 30 days ahead.
    let mut far = beyond_booking(12346, "08:00");
    far["date"] = json!("2027-01-15");
    let (err, text) = refused(&rafael, "book_session", far).await;
    assert_eq!(
        (err["code"].as_str(), err["rule"].as_str()),
        (Some("OUTSIDE_BOOKING_WINDOW"), Some("window"))
    );
    assert!(text.contains("no máximo 30 dias"), "{text}");

    // Schedule: no session at that time.
    let (err, text) = refused(&rafael, "book_session", beyond_booking(12346, "09:00")).await;
    assert_eq!(
        (err["code"].as_str(), err["rule"].as_str()),
        (Some("NO_SUCH_SLOT"), Some("schedule"))
    );
    assert!(
        text.contains("às 08:00") && !err["alternatives"].as_array().expect("list").is_empty(),
        "{text}"
    );

    // Full, and notice, at AskProAI (in German): Dr. Smith sees John on Monday at 14:00.
    let john = connect(&fx.engine, fx.caller(fx.askpro, JOHN).await).await;
    let (err, text) = refused(
        &john,
        "book_session",
        json!({"service": "Support", "date": "2026-11-23", "time": "14:00"}),
    )
    .await;
    assert_eq!(err["rule"], json!("full"));
    assert_eq!(
        text,
        "Support am Montag, 23. November um 14:00 Uhr ist ausgebucht. Freie Alternativen für Support: Montag, 23. November um 13:00, 13:30 oder 15:00 Uhr."
    );
    let (err, text) = refused(
        &john,
        "book_session",
        json!({"service": "Support", "date": "today", "time": "13:30"}),
    )
    .await;
    assert_eq!(
        (err["code"].as_str(), err["rule"].as_str()),
        (Some("TOO_SOON"), Some("notice"))
    );
    assert!(
        text.starts_with(
            "Dieser Termin ist zu kurzfristig: Buchungen brauchen mindestens 60 Minuten Vorlauf."
        ),
        "{text}"
    );
    assert!(!err["alternatives"].as_array().expect("list").is_empty());
}

#[tokio::test]
async fn callers_reach_only_their_own_members_and_bookings() {
    let fx = fixture().await;
    let rafael = connect(&fx.engine, fx.caller(fx.beyond, RAFAEL).await).await;
    let (booked, _) = ok(&rafael, "book_session", beyond_booking(12345, "08:00")).await;
    let id = booked["booking"]["booking_id"].clone();
    let voucher = booked["booking"]["voucher_code"].clone();

    let (other, _) = fx
        .customer(fx.beyond, "+5511977776666", "Outra Pessoa")
        .await;
    let john = fx.caller(fx.askpro, JOHN).await;
    for (caller, label) in [
        (other, "another customer of Beyond"),
        (john, "a customer of AskProAI"),
    ] {
        let client = connect(&fx.engine, caller).await;
        let attempts = [
            ("get_member_preferences", json!({"member_id": 12345})),
            (
                "set_member_preferences",
                json!({"member_id": 12345, "notes": "x"}),
            ),
            ("get_bookings", json!({"member_id": 12345})),
            ("get_availability", json!({"member_id": 12345})),
            ("book_session", beyond_booking(12345, "12:00")),
            ("cancel_booking", json!({"booking_id": id})),
            ("cancel_booking", json!({"voucher_code": voucher})),
            (
                "reschedule_booking",
                json!({"booking_id": id, "date": "2026-11-22", "time": "08:00"}),
            ),
            (
                "reschedule_booking",
                json!({"voucher_code": voucher, "date": "2026-11-22", "time": "08:00"}),
            ),
        ];
        for (tool, args) in attempts {
            let (err, _) = refused(&client, tool, args.clone()).await;
            let code = err["code"].as_str().unwrap_or_default();
            // AskProAI has no level attribute, so its book_session fails on the service first.
            assert!(
                code == "NOT_FOUND" || (tool == "book_session" && code == "INVALID_INPUT"),
                "{label}: {tool} {args} gave {err}"
            );
        }
        let (theirs, _) = ok(&client, "get_bookings", json!({"status": "all"})).await;
        assert!(
            theirs["bookings"]
                .as_array()
                .expect("list")
                .iter()
                .all(|b| b["booking_id"] != id),
            "{label}"
        );
    }

    let (mine, _) = ok(&rafael, "get_bookings", json!({})).await;
    assert_eq!(mine["bookings"][0]["booking_id"], id);
    assert_eq!(
        mine["bookings"][0]["status"],
        json!("confirmed"),
        "untouched by the others"
    );
}

#[tokio::test]
async fn unknown_callers_read_freely_and_book_only_where_allowed() {
    let fx = fixture().await;

    let stranger = fx.caller(fx.beyond, "+5511912345678").await;
    assert_eq!(stranger.customer_id, None);
    let client = connect(&fx.engine, stranger).await;
    let (info, text) = ok(&client, "get_business_info", json!({})).await;
    assert_eq!(
        (info["name"].as_str(), info["language"].as_str()),
        (Some("Beyond The Club"), Some("pt-BR"))
    );
    assert_eq!(
        info["now"],
        json!({"date": "2026-11-20", "weekday": "friday", "time": "09:00", "time_zone": "America/Sao_Paulo"})
    );
    assert_eq!(info["services"].as_array().map(Vec::len), Some(12));
    assert_eq!(info["services"][0]["price"], json!("250.00 BRL"));
    assert_eq!(info["policy"]["max_active_bookings_per_member"], json!(1));
    assert_eq!(info["policy"]["allow_unknown_callers"], json!(false));
    let monday = &info["branches"][0]["opening_hours"][0];
    assert_eq!(monday["weekday"], json!("monday"));
    assert_eq!(
        monday["start_times"].as_array().map(Vec::len),
        Some(13),
        "07:00 to 19:00 every hour"
    );
    assert!(text.starts_with("Beyond The Club, Av. das Nações Unidas 14401, São Paulo - SP. Telefone +551130000000. Agora são 09:00 de sexta-feira, 20 de novembro. Hoje há sessões das 07:00 às 19:00."), "{text}");

    let (slots, _) = ok(
        &client,
        "get_availability",
        json!({"date": "sábado", "level": "Iniciante1"}),
    )
    .await;
    assert_eq!(slots["total"], json!(4));
    let (members, text) = ok(&client, "get_members", json!({})).await;
    assert_eq!(
        (members["known_caller"].clone(), members["members"].clone()),
        (json!(false), json!([]))
    );
    assert_eq!(text, "Este número de telefone não tem cadastro.");
    let mut booking = beyond_booking(12345, "08:00");
    booking["name"] = json!("Ana Souza");
    let (err, text) = refused(&client, "book_session", booking).await;
    assert_eq!(err["code"], json!("UNKNOWN_CALLER"));
    assert!(
        text.contains("Beyond The Club só faz reservas para clientes cadastrados"),
        "{text}"
    );

    // AskProAI lets new callers book once they give their name.
    let newcomer = connect(&fx.engine, fx.caller(fx.askpro, "+4915112345678").await).await;
    let (info, _) = ok(&newcomer, "get_business_info", json!({})).await;
    assert_eq!(
        info["branches"][0]["opening_hours"][0]["open_ranges"],
        json!(["09:00-18:00"])
    );
    assert_eq!(
        info["branches"][0]["opening_hours"][5]["closed"],
        json!(true)
    );
    let appointment = json!({"service": "Beratung", "date": "2026-11-24", "time": "10:00"});
    let (err, text) = refused(&newcomer, "book_session", appointment.clone()).await;
    assert_eq!(err["code"], json!("UNKNOWN_CALLER"));
    assert!(text.contains("als name"), "{text}");
    let mut named = appointment;
    named["name"] = json!("Erika Mustermann");
    let (booked, text) = ok(&newcomer, "book_session", named).await;
    assert_eq!(booked["registered"], json!(true));
    assert_eq!(booked["booking"]["member"], json!("Erika Mustermann"));
    assert!(text.starts_with("Kundenkonto für Erika Mustermann angelegt. Gebucht: Beratung für Erika Mustermann, Dienstag, 24. November um 10:00 Uhr"), "{text}");
    // The same session now knows them.
    let (members, _) = ok(&newcomer, "get_members", json!({})).await;
    assert_eq!(members["known_caller"], json!(true));
    let (bookings, _) = ok(&newcomer, "get_bookings", json!({})).await;
    assert_eq!(bookings["count"], json!(1));
}

#[tokio::test]
async fn business_info_names_the_holidays_ahead() {
    let fx = fixture().await;
    fx.clock
        .set("2026-12-20T12:00:00Z".parse().expect("instant"));

    let beyond = connect(&fx.engine, fx.caller(fx.beyond, RAFAEL).await).await;
    let (info, text) = ok(&beyond, "get_business_info", json!({})).await;
    let exceptions = info["branches"][0]["exceptions"].as_array().expect("list");
    assert_eq!(
        exceptions.len(),
        2,
        "Christmas and New Year within 14 days: {exceptions:?}"
    );
    assert_eq!(exceptions[0]["date"], json!("2026-12-25"));
    assert!(text.ends_with("Fechado em sexta-feira, 25 de dezembro (Natal) e sexta-feira, 1º de janeiro (Ano Novo)."), "{text}");

    let askpro = connect(&fx.engine, fx.caller(fx.askpro, JOHN).await).await;
    let (info, text) = ok(&askpro, "get_business_info", json!({})).await;
    let exceptions = info["branches"][0]["exceptions"].as_array().expect("list");
    let silvester = exceptions
        .iter()
        .find(|e| e["date"] == json!("2026-12-31"))
        .expect("New Year's Eve");
    assert_eq!(
        (silvester["closed"].clone(), silvester["hours"].clone()),
        (json!(false), json!(["09:00-13:00"]))
    );
    assert!(text.contains("Geschlossen am Donnerstag, 24. Dezember (Heiligabend) und Freitag, 25. Dezember (1. Weihnachtstag)."), "{text}");
}

#[tokio::test]
async fn a_request_without_a_caller_is_a_protocol_error() {
    let fx = fixture().await;
    let client = connect_handler(FrontdeskMcp::new(fx.engine.clone())).await;
    assert_eq!(
        client
            .list_all_tools()
            .await
            .expect("tools/list needs no caller")
            .len(),
        TOOL_NAMES.len()
    );
    let err = client
        .call_tool(CallToolRequestParams::new("get_members"))
        .await
        .expect_err("no caller, no tool call");
    assert!(err.to_string().contains("no caller session"), "{err}");
}

/// The HTTP transports serve one handler for every caller: each request carries its caller,
/// directly in its extensions or on the HTTP request parts rmcp's Streamable HTTP server adds.
#[tokio::test]
async fn without_a_fixed_caller_each_request_brings_its_own() {
    use futures::{SinkExt, StreamExt};
    use rmcp::model::{ClientJsonRpcMessage, Extensions, GetExtensions, ServerJsonRpcMessage};

    let fx = fixture().await;
    let (mut inbox, inbox_rx) = futures::channel::mpsc::channel::<ClientJsonRpcMessage>(4);
    let (outbox_tx, mut outbox) = futures::channel::mpsc::channel::<ServerJsonRpcMessage>(16);
    let running = rmcp::service::serve_directly(
        FrontdeskMcp::new(fx.engine.clone()),
        (outbox_tx, inbox_rx),
        None,
    );

    let rafael = fx.caller(fx.beyond, RAFAEL).await;
    let john = fx.caller(fx.askpro, JOHN).await;
    let mut parts = http::Request::new(()).into_parts().0;
    parts.extensions.insert(john);
    let mut with_caller = Extensions::new();
    with_caller.insert(rafael);
    let mut with_parts = Extensions::new();
    with_parts.insert(parts);
    let mut answers = Vec::new();
    for (id, extensions) in [(1, with_caller), (2, with_parts), (3, Extensions::new())] {
        let mut message: ClientJsonRpcMessage = serde_json::from_value(json!({
            "jsonrpc": "2.0", "id": id, "method": "tools/call",
            "params": {"name": "get_members", "arguments": {}}
        }))
        .expect("a tools/call message");
        if let ClientJsonRpcMessage::Request(req) = &mut message {
            *req.request.extensions_mut() = extensions;
        }
        inbox.send(message).await.expect("sent");
        let answer = outbox.next().await.expect("an answer");
        answers.push(serde_json::to_value(&answer).expect("json"));
    }
    running.cancellation_token().cancel();

    assert_eq!(
        answers[0]["result"]["structuredContent"]["members"][0]["name"],
        json!("Rafael Silva")
    );
    assert_eq!(
        answers[0]["result"]["content"][0]["text"],
        json!("Membros da conta: Rafael Silva e Lucas Silva.")
    );
    assert_eq!(
        answers[1]["result"]["structuredContent"]["members"][0]["name"],
        json!("John Doe")
    );
    assert_eq!(answers[2]["error"]["message"], json!("no caller session"));
}

/// Every `format` in a schema, with where it is.
fn formats(value: &Value, at: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(object) => {
            if let Some(Value::String(format)) = object.get("format") {
                out.push((at.to_string(), format.clone()));
            }
            for (key, inner) in object {
                formats(inner, &format!("{at}/{key}"), out);
            }
        }
        Value::Array(items) => {
            for (i, inner) in items.iter().enumerate() {
                formats(inner, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// The official TypeScript client warns on every call about a `format` JSON Schema does not
/// define (`uint32`, `uint`, `int64`, … as schemars writes them).
#[tokio::test]
async fn tool_schemas_use_only_standard_formats() {
    const STANDARD: [&str; 19] = [
        "date-time",
        "date",
        "time",
        "duration",
        "email",
        "idn-email",
        "hostname",
        "idn-hostname",
        "ipv4",
        "ipv6",
        "uri",
        "uri-reference",
        "iri",
        "iri-reference",
        "uuid",
        "uri-template",
        "json-pointer",
        "relative-json-pointer",
        "regex",
    ];
    let fx = fixture().await;
    let client = connect(&fx.engine, fx.caller(fx.beyond, RAFAEL).await).await;

    let tools = client.list_all_tools().await.expect("tools/list");

    let mut found = Vec::new();
    for tool in &tools {
        let input = Value::Object((*tool.input_schema).clone());
        formats(&input, &format!("{}/input", tool.name), &mut found);
        if let Some(output) = &tool.output_schema {
            let output = Value::Object((**output).clone());
            formats(&output, &format!("{}/output", tool.name), &mut found);
        }
    }
    let odd: Vec<_> = found
        .iter()
        .filter(|(_, format)| !STANDARD.contains(&format.as_str()))
        .collect();
    assert!(odd.is_empty(), "non-standard formats: {odd:?}");
    // The ranges the formats stood for are still there.
    let book = tools
        .iter()
        .find(|t| t.name == "get_availability")
        .expect("get_availability");
    let schema = serde_json::to_string(&book.output_schema).expect("json");
    assert!(schema.contains("\"minimum\""), "{schema}");
}

/// The tool list is a public contract: names, titles, descriptions, annotations and both
/// schemas of every tool, exactly as `tests/contracts/tools_list.json` holds them (written from
/// the server before the tools moved into `frontdesk-conversation`). A deliberate change
/// updates the file in the same commit.
#[tokio::test]
async fn tools_list_is_the_published_contract() {
    let fx = fixture().await;
    let client = connect(&fx.engine, fx.caller(fx.beyond, RAFAEL).await).await;
    let tools = client.list_all_tools().await.expect("tools/list");
    let published: Value =
        serde_json::from_str(include_str!("contracts/tools_list.json")).expect("contract");
    if std::env::var_os("FRONTDESK_WRITE_CONTRACT").is_some() {
        // A deliberate change of the contract: rewrite the file, then review its diff.
        let value = serde_json::to_value(&tools).expect("json");
        let text = serde_json::to_string_pretty(&value).expect("json");
        std::fs::write(
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/contracts/tools_list.json"
            ),
            text + "\n",
        )
        .expect("write the contract");
        return;
    }
    assert_eq!(serde_json::to_value(&tools).expect("json"), published);
}
