//! The `bifrost` binary's administrative commands, run as a user would run them.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use bifrost::store::Store;

fn create_admin(data_dir: &std::path::Path, email: &str, stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bifrost"))
        .args([
            "--data-dir",
            &data_dir.to_string_lossy(),
            "--log",
            "warn",
            "create-admin",
            "--email",
            email,
        ])
        .env_remove("DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run bifrost");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write password");
    child.wait_with_output().expect("wait for bifrost")
}

#[tokio::test]
async fn create_admin_reads_the_password_from_stdin_and_stores_only_its_hash() {
    let dir = tempfile::tempdir().expect("data directory");
    let output = create_admin(
        dir.path(),
        "ops@example.com",
        "correct horse battery staple\n",
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("ops@example.com"));

    let url = format!("sqlite://{}", dir.path().join("bifrost.db").display());
    let store = Store::connect(&url).await.expect("open");
    let admin = store
        .find_admin_by_email_key("ops@example.com")
        .await
        .expect("find")
        .expect("admin");
    assert!(admin.password_hash.starts_with("$argon2id$"));
    store.close().await;
}

#[tokio::test]
async fn create_admin_refuses_a_weak_password_and_a_duplicate_naming_the_rule() {
    let dir = tempfile::tempdir().expect("data directory");
    let weak = create_admin(dir.path(), "ops@example.com", "short\n");
    assert!(!weak.status.success());
    assert!(
        String::from_utf8_lossy(&weak.stderr).contains("password: must be at least 12 characters")
    );

    assert!(create_admin(
        dir.path(),
        "ops@example.com",
        "correct horse battery staple\n"
    )
    .status
    .success());
    let duplicate = create_admin(dir.path(), "OPS@example.com", "another long password\n");
    assert!(!duplicate.status.success());
    assert!(String::from_utf8_lossy(&duplicate.stderr)
        .contains("email: an administrator with this e-mail address exists"));
}
