//! Administrators and sessions on both backends.

use app::domain::ids::AdminId;
use bifrost::store::admins::{AdminRow, NewAdmin};
use bifrost::store::audit::Actor;
use bifrost::store::{Store, StoreError};

use super::audit_log;

fn system() -> Actor {
    Actor {
        admin_id: None,
        label: "test".into(),
    }
}

fn admin<'a>(email: &'a str, email_key: &'a str) -> NewAdmin<'a> {
    NewAdmin {
        email,
        email_key,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
    }
}

/// An administrator whose e-mail address is its own key, added at time 1.
async fn add_admin(store: &Store, email: &str) -> AdminRow {
    store
        .insert_admin(admin(email, email), &system(), 1)
        .await
        .expect("admin")
}

/// Sessions of `admin_id` with these token hashes, started at `now`, ending at `expires_at`.
async fn add_sessions(
    store: &Store,
    admin_id: AdminId,
    hashes: &[&str],
    now: i64,
    expires_at: i64,
) {
    for hash in hashes {
        store
            .insert_session(hash, admin_id, now, expires_at)
            .await
            .expect("session");
    }
}

async fn the_first_admin_can_be_claimed_only_once(store: Store) {
    store
        .insert_first_admin(admin("a@example.com", "a@example.com"), 1)
        .await
        .expect("first");
    let second = store
        .insert_first_admin(admin("b@example.com", "b@example.com"), 2)
        .await;
    assert!(
        matches!(second, Err(StoreError::Conflict(_))),
        "got {second:?}"
    );
    assert_eq!(store.count_admins().await.expect("count"), 1);
    let log = audit_log(&store).await;
    assert_eq!(log.total, 1, "only the successful setup is recorded");
    assert_eq!(
        (
            log.items[0].action.as_str(),
            log.items[0].actor_label.as_str()
        ),
        ("admin.create", "a@example.com")
    );
}

async fn admin_emails_are_unique_by_key(store: Store) {
    store
        .insert_admin(admin("A@example.com", "a@example.com"), &system(), 1)
        .await
        .expect("first");
    let again = store
        .insert_admin(admin("a@EXAMPLE.com", "a@example.com"), &system(), 2)
        .await;
    assert!(
        matches!(again, Err(StoreError::Conflict(_))),
        "got {again:?}"
    );
}

async fn the_last_admin_cannot_be_deleted(store: Store) {
    let first = add_admin(&store, "a@example.com").await;
    let second = add_admin(&store, "b@example.com").await;
    assert!(store
        .delete_admin_unless_last(first.id, &system(), 9)
        .await
        .expect("delete")
        .is_some());
    assert!(store
        .delete_admin_unless_last(second.id, &system(), 9)
        .await
        .expect("delete")
        .is_none());
    assert_eq!(store.count_admins().await.expect("count"), 1);
}

async fn two_admins_removing_each_other_at_once_leave_one(store: Store) {
    let mut survivor = add_admin(&store, "seed@example.com").await.id;
    for round in 0..10 {
        let other = add_admin(&store, &format!("admin{round}@example.com"))
            .await
            .id;
        let actor = system();
        let (first, second) = tokio::join!(
            store.delete_admin_unless_last(survivor, &actor, 9),
            store.delete_admin_unless_last(other, &actor, 9),
        );
        let (first, second) = (first.expect("first"), second.expect("second"));
        assert!(
            first.is_some() != second.is_some(),
            "round {round}: exactly one of the two goes"
        );
        assert_eq!(store.count_admins().await.expect("count"), 1);
        if first.is_some() {
            survivor = other;
        }
    }
}

async fn sessions_are_found_by_hash_and_go_with_their_admin(store: Store) {
    let a = add_admin(&store, "a@example.com").await;
    let b = add_admin(&store, "b@example.com").await;
    add_sessions(&store, a.id, &["hash-a"], 100, 1_000).await;
    add_sessions(&store, b.id, &["hash-b"], 100, 1_000).await;
    let found = store
        .find_session("hash-a")
        .await
        .expect("find")
        .expect("live");
    assert_eq!(
        (found.admin_id, found.email.as_str(), found.expires_at),
        (a.id, "a@example.com", 1_000)
    );

    store.touch_session("hash-a", 500).await.expect("touch");
    assert_eq!(
        store
            .find_session("hash-a")
            .await
            .expect("find")
            .map(|s| s.last_seen_at),
        Some(500)
    );

    assert!(store
        .delete_admin_unless_last(b.id, &system(), 9)
        .await
        .expect("delete")
        .is_some());
    assert!(
        store.find_session("hash-b").await.expect("find").is_none(),
        "deleting an admin ends their sessions"
    );
}

async fn expired_and_idle_sessions_are_removed(store: Store) {
    let a = add_admin(&store, "a@example.com").await;
    add_sessions(&store, a.id, &["expired"], 0, 100).await;
    add_sessions(&store, a.id, &["idle", "live"], 0, 10_000).await;
    store.touch_session("live", 900).await.expect("touch");
    let removed = store
        .delete_expired_sessions(1_000, 500)
        .await
        .expect("sweep");
    assert_eq!(removed, 2);
    assert!(store.find_session("live").await.expect("find").is_some());
}

async fn other_sessions_end_when_the_password_changes(store: Store) {
    let a = add_admin(&store, "a@example.com").await;
    add_sessions(&store, a.id, &["this", "other"], 0, 10_000).await;
    let actor = Actor {
        admin_id: Some(a.id),
        label: "a@example.com".into(),
    };
    let verified = a.password_hash.clone();
    // A change checked against a hash that is no longer stored (another session changed the
    // password meanwhile) is refused and ends no session.
    let stale = store
        .change_admin_password(
            a.id,
            ("$argon2id$other", "$argon2id$old"),
            "other",
            &actor,
            4,
        )
        .await;
    assert!(matches!(stale, Err(StoreError::Stale)), "{stale:?}");
    assert!(store.find_session("this").await.expect("find").is_some());
    store
        .change_admin_password(a.id, ("$argon2id$new", &verified), "this", &actor, 5)
        .await
        .expect("change");
    assert!(store.find_session("this").await.expect("find").is_some());
    assert!(store.find_session("other").await.expect("find").is_none());
    let updated = store.find_admin(a.id).await.expect("find").expect("admin");
    assert_eq!(
        (updated.password_hash.as_str(), updated.updated_at),
        ("$argon2id$new", 5)
    );
    let log = audit_log(&store).await;
    assert_eq!(log.items[0].action, "admin.password_change");
    assert!(
        !log.items[0].changes.contains("argon2"),
        "no hash in the audit log: {}",
        log.items[0].changes
    );
}

/// A sign-in checked against a password that changed before its session was stored gets none.
async fn a_sign_in_does_not_outlive_a_password_change(store: Store) {
    let a = add_admin(&store, "a@example.com").await;
    let stale = store
        .insert_session_if_password("late", (a.id, "$argon2id$before-the-change"), 0, 10_000)
        .await
        .expect("insert");
    assert!(!stale);
    assert!(store.find_session("late").await.expect("find").is_none());
    let current = store
        .insert_session_if_password("fresh", (a.id, &a.password_hash), 0, 10_000)
        .await
        .expect("insert");
    assert!(current);
    assert!(store.find_session("fresh").await.expect("find").is_some());
}

crate::both_backends!(store:
    a_sign_in_does_not_outlive_a_password_change,
    the_first_admin_can_be_claimed_only_once,
    admin_emails_are_unique_by_key,
    the_last_admin_cannot_be_deleted,
    two_admins_removing_each_other_at_once_leave_one,
    sessions_are_found_by_hash_and_go_with_their_admin,
    expired_and_idle_sessions_are_removed,
    other_sessions_end_when_the_password_changes,
);
