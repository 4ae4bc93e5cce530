//! API keys: shown once, stored as a hash, valid only for their kind until revoked.

use frontdesk_domain::ApiKeyKind;
use tests_store::*;

tests_store::backend_tests!(
    a_new_key_verifies_for_its_own_kind_only,
    a_revoked_key_no_longer_verifies,
    listed_keys_never_contain_the_secret,
    keys_need_an_existing_company,
    revoking_a_key_ends_the_sessions_it_opened,
);

async fn a_new_key_verifies_for_its_own_kind_only(h: Harness) {
    // Arrange
    let demo = h.demo().await;

    // Act
    let mcp = h
        .engine
        .create_api_key(demo.beyond.id, ApiKeyKind::Mcp, Some("retell".into()))
        .await
        .expect("mcp key");
    let gateway = h
        .engine
        .create_api_key(demo.beyond.id, ApiKeyKind::Gateway, None)
        .await
        .expect("gateway key");

    // Assert
    assert!(mcp.secret.starts_with("fd_mcp_") && mcp.secret.len() > 40);
    assert!(gateway.secret.starts_with("fd_gw_"));
    assert!(mcp.secret.starts_with(&mcp.key.prefix));
    assert_eq!(mcp.key.company_id, demo.beyond.id);
    assert_eq!(mcp.key.created_at, h.now());
    let verified = h
        .engine
        .verify_api_key(&mcp.secret, ApiKeyKind::Mcp)
        .await
        .expect("verify");
    assert_eq!(
        (verified.id, verified.company_id),
        (mcp.key.id, demo.beyond.id)
    );
    assert_eq!(verified.name.as_deref(), Some("retell"));
    let padded = format!("  {}\n", mcp.secret);
    assert!(
        h.engine
            .verify_api_key(&padded, ApiKeyKind::Mcp)
            .await
            .is_ok(),
        "surrounding space is ignored"
    );
    expect_code(
        h.engine
            .verify_api_key(&mcp.secret, ApiKeyKind::Gateway)
            .await,
        "NOT_FOUND",
    );
    expect_code(
        h.engine
            .verify_api_key(&gateway.secret, ApiKeyKind::Mcp)
            .await,
        "NOT_FOUND",
    );
    assert!(
        h.engine
            .verify_api_key(&gateway.secret, ApiKeyKind::Gateway)
            .await
            .is_ok()
    );
    let mut tampered = mcp.secret.clone();
    tampered.pop();
    tampered.push(if mcp.secret.ends_with('A') { 'B' } else { 'A' });
    expect_code(
        h.engine.verify_api_key(&tampered, ApiKeyKind::Mcp).await,
        "NOT_FOUND",
    );
    expect_code(
        h.engine.verify_api_key("", ApiKeyKind::Mcp).await,
        "NOT_FOUND",
    );
}

async fn a_revoked_key_no_longer_verifies(h: Harness) {
    // Arrange
    let demo = h.demo().await;
    let key = h
        .engine
        .create_api_key(demo.askpro.id, ApiKeyKind::Gateway, None)
        .await
        .expect("key");
    let other = h
        .engine
        .create_api_key(demo.askpro.id, ApiKeyKind::Gateway, None)
        .await
        .expect("key");
    h.set_now("2026-11-21T08:00:00Z");

    // Act
    let revoked = h.engine.revoke_api_key(key.key.id).await.expect("revoke");
    let again = h.engine.revoke_api_key(key.key.id).await;

    // Assert
    assert_eq!(revoked.revoked_at, Some(ts("2026-11-21T08:00:00Z")));
    assert!(again.is_ok(), "revoking twice is not an error: {again:?}");
    expect_code(
        h.engine
            .verify_api_key(&key.secret, ApiKeyKind::Gateway)
            .await,
        "NOT_FOUND",
    );
    assert!(
        h.engine
            .verify_api_key(&other.secret, ApiKeyKind::Gateway)
            .await
            .is_ok(),
        "only that key"
    );
    let listed = h.engine.api_keys(demo.askpro.id).await.expect("list");
    let listed_revoked = listed
        .iter()
        .find(|k| k.id == key.key.id)
        .expect("still listed");
    assert!(listed_revoked.revoked_at.is_some());
    expect_code(
        h.engine
            .revoke_api_key(key.key.id + other.key.id + 1000)
            .await,
        "NOT_FOUND",
    );
}

async fn listed_keys_never_contain_the_secret(h: Harness) {
    // Arrange
    let demo = h.demo().await;
    let a = h
        .engine
        .create_api_key(demo.beyond.id, ApiKeyKind::Mcp, Some("agent".into()))
        .await
        .expect("a");
    let b = h
        .engine
        .create_api_key(demo.beyond.id, ApiKeyKind::Gateway, Some("crm".into()))
        .await
        .expect("b");
    let elsewhere = h
        .engine
        .create_api_key(demo.askpro.id, ApiKeyKind::Mcp, None)
        .await
        .expect("c");

    // Act
    let listed = h.engine.api_keys(demo.beyond.id).await.expect("list");

    // Assert
    let mut ids: Vec<i64> = listed.iter().map(|k| k.id).collect();
    ids.sort_unstable();
    assert_eq!(ids, [a.key.id, b.key.id], "only this company's keys");
    let json = serde_json::to_string(&listed).expect("serialise");
    for secret in [&a.secret, &b.secret, &elsewhere.secret] {
        assert!(
            !json.contains(secret.as_str()),
            "a secret leaked into the listing"
        );
        // Nor anything past the short, safe prefix.
        assert!(!json.contains(&secret[..secret.len() - 8]));
    }
    assert!(listed.iter().all(|k| k.prefix.len() <= 11));
    assert!(
        !json.contains(&frontdesk_engine::keys::hash_secret(&a.secret)),
        "nor its hash"
    );
}

async fn keys_need_an_existing_company(h: Harness) {
    // Arrange: an empty database.

    // Act
    let result = h.engine.create_api_key(4242, ApiKeyKind::Mcp, None).await;

    // Assert
    expect_code(result, "NOT_FOUND");
}

async fn revoking_a_key_ends_the_sessions_it_opened(h: Harness) {
    // Arrange
    let demo = h.demo().await;
    let key = h
        .engine
        .create_api_key(demo.beyond.id, ApiKeyKind::Mcp, None)
        .await
        .expect("key");
    let other = h
        .engine
        .create_api_key(demo.beyond.id, ApiKeyKind::Mcp, None)
        .await
        .expect("key");
    let ttl = jiff::SignedDuration::from_mins(10);
    let first = h
        .engine
        .open_session(&key.key, "+5511999999999", ttl)
        .await
        .expect("session");
    let second = h
        .engine
        .open_session(&key.key, "+5521988887777", ttl)
        .await
        .expect("session");
    let kept = h
        .engine
        .open_session(&other.key, "+5511999999999", ttl)
        .await
        .expect("session");
    let logged_out = h
        .engine
        .open_session(&key.key, "+5511999999999", ttl)
        .await
        .expect("session");
    let active = h.engine.session(&logged_out.token).await.expect("live");
    h.engine.close_session(&active).await.expect("logout");
    assert_eq!(first.session.api_key_id, Some(key.key.id));
    // Cached on the hot path, as a tool call would leave it.
    h.engine
        .session_cached(&first.token)
        .await
        .expect("live session");

    // Act
    let revoked = h
        .engine
        .revoke_api_key_and_sessions(key.key.id)
        .await
        .expect("revoke");

    // Assert
    let mut ended = revoked.ended_sessions.clone();
    ended.sort();
    let mut expected = vec![
        frontdesk_engine::keys::hash_secret(&first.token),
        frontdesk_engine::keys::hash_secret(&second.token),
    ];
    expected.sort();
    assert_eq!(ended, expected, "the live sessions of that key only");
    for token in [&first.token, &second.token] {
        expect_code(h.engine.session_cached(token).await, "NOT_FOUND");
        expect_code(h.engine.session(token).await, "NOT_FOUND");
    }
    assert!(h.engine.session(&kept.token).await.is_ok(), "another key's");
    assert_eq!(h.engine.active_session_count().await.expect("count"), 1);
}
