//! Retell calls across companies: a recorded call names its company by its call id alone, and
//! the companies with a readable Retell key are listed with it (what a request that names no
//! company is matched by).

use frontdesk_engine::calls::RETELL;
use serde_json::json;
use tests_store::*;

tests_store::backend_tests!(
    a_recorded_call_names_its_company_by_its_call_id_alone,
    the_companies_with_a_retell_key_are_listed_with_their_keys,
);

async fn a_recorded_call_names_its_company_by_its_call_id_alone(h: Harness) {
    // Arrange: a call of AskProAI, announced by its webhook.
    let demo = h.demo().await;
    h.engine
        .record_retell_event(
            demo.askpro.id,
            "call_started",
            &json!({ "call_id": "call_x1", "from_number": JOHN_PHONE, "to_number": "+493083793369" }),
        )
        .await
        .expect("recorded");

    // Act
    let found = h
        .engine
        .retell_call_company("call_x1")
        .await
        .expect("lookup");
    let padded = h
        .engine
        .retell_call_company(" call_x1 ")
        .await
        .expect("lookup");
    let unknown = h
        .engine
        .retell_call_company("call_unknown")
        .await
        .expect("lookup");
    let blank = h.engine.retell_call_company("  ").await.expect("lookup");

    // Assert
    assert_eq!(found.map(|c| c.id), Some(demo.askpro.id));
    assert_eq!(padded.map(|c| c.id), Some(demo.askpro.id));
    assert!(unknown.is_none());
    assert!(blank.is_none());
    let call = h.store.find_call(RETELL, "call_x1").await.expect("call");
    assert_eq!(call.company_id, demo.askpro.id);
    assert!(h.store.find_call("vapi", "call_x1").await.is_err());
}

async fn the_companies_with_a_retell_key_are_listed_with_their_keys(h: Harness) {
    let demo = h.demo().await;
    let engine = h.engine.clone().with_secret_key([7u8; 32]);
    assert!(engine.retell_keys().await.expect("keys").is_empty());

    engine
        .set_company_credentials(demo.beyond.id, Some("key_beyond"), None)
        .await
        .expect("key");
    let keys = engine.retell_keys().await.expect("keys");

    let listed: Vec<(i64, &str)> = keys.iter().map(|(c, k)| (c.id, k.as_str())).collect();
    assert_eq!(listed, [(demo.beyond.id, "key_beyond")]);
    // Without the secret key the stored key cannot be read: it verifies nothing, so it is
    // left out rather than failing the lookup.
    assert!(h.engine.retell_keys().await.expect("keys").is_empty());
}
