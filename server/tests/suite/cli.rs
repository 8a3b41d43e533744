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

fn bifrost(data_dir: &std::path::Path, args: &[&str], secret_key: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_bifrost"));
    command
        .args(["--data-dir", &data_dir.to_string_lossy(), "--log", "warn"])
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("BIFROST_SECRET_KEY");
    if let Some(key) = secret_key {
        command.env("BIFROST_SECRET_KEY", key);
    }
    command.output().expect("run bifrost")
}

fn key_lines(data_dir: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(data_dir.join("secret.key"))
        .expect("key file")
        .lines()
        .filter(|line| !line.starts_with('#'))
        .map(str::to_string)
        .collect()
}

#[test]
fn rotate_key_creates_the_key_file_privately_then_puts_a_new_key_first() {
    let dir = tempfile::tempdir().expect("data directory");
    let first = bifrost(dir.path(), &["rotate-key"], None);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("secret.key"))
            .expect("key file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let before = key_lines(dir.path());
    assert_eq!(
        before.len(),
        2,
        "the created key and the new one: {before:?}"
    );
    let second = bifrost(dir.path(), &["rotate-key"], None);
    assert!(String::from_utf8_lossy(&second.stdout).contains("0 secret(s) re-sealed"));
    let after = key_lines(dir.path());
    assert_eq!(after.len(), 3);
    assert_eq!(&after[1..], &before[..], "old keys stay, after the new one");
}

#[test]
fn rotate_key_with_one_environment_key_explains_what_to_do() {
    let dir = tempfile::tempdir().expect("data directory");
    let generated = bifrost(dir.path(), &["generate-key"], None);
    let key = String::from_utf8_lossy(&generated.stdout)
        .trim()
        .to_string();
    assert_eq!(key.len(), 44, "base64 of 32 bytes: {key}");
    let output = bifrost(dir.path(), &["rotate-key"], Some(&key));
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("Put a new key first"));
    assert!(
        !dir.path().join("secret.key").exists(),
        "no key file when the key comes from the environment"
    );
    let bad = bifrost(dir.path(), &["rotate-key"], Some("not-a-key"));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("standard base64"));
}

#[tokio::test]
async fn create_api_key_prints_a_provider_key_once_and_stores_its_hash() {
    let dir = tempfile::tempdir().expect("data directory");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "--data-dir".to_string(),
            dir.path().to_string_lossy().into_owned(),
            "--log".into(),
            "warn".into(),
            "create-api-key".into(),
            "--name".into(),
            "bench".into(),
        ];
        args.extend(extra.iter().map(|a| a.to_string()));
        Command::new(env!("CARGO_BIN_EXE_bifrost"))
            .args(args)
            .env_remove("DATABASE_URL")
            .env_remove("BIFROST_SECRET_KEY")
            .output()
            .expect("run bifrost")
    };
    let output = run(&[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let key = String::from_utf8_lossy(&output.stdout).trim().to_string();
    assert!(key.starts_with("bfk_") && key.len() > 40, "{key}");

    let unknown = run(&["--organization", "Nobody"]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("Nobody"));

    let url = format!("sqlite://{}", dir.path().join("bifrost.db").display());
    let store = Store::connect(&url).await.expect("open");
    let row = store
        .find_api_key_by_hash(&bifrost::auth::session_token::hash_token(&key))
        .await
        .expect("find")
        .expect("key");
    assert_eq!((row.is_provider, row.name.as_str()), (true, "bench"));
    store.close().await;
}

/// The database and the key file are the server's alone: other users on the machine cannot
/// enter the data directory, nor read the database file.
#[tokio::test]
async fn the_data_directory_and_database_are_for_the_servers_user_only() {
    use std::os::unix::fs::PermissionsExt;
    let parent = tempfile::tempdir().expect("parent");
    let data_dir = parent.path().join("data");
    let output = Command::new(env!("CARGO_BIN_EXE_bifrost"))
        .args(["--data-dir", &data_dir.to_string_lossy(), "--log", "warn"])
        .arg("migrate")
        .env_remove("DATABASE_URL")
        .output()
        .expect("run bifrost");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mode = |path: &std::path::Path| {
        std::fs::metadata(path)
            .expect("metadata")
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode(&data_dir), 0o700, "data directory");
    assert_eq!(mode(&data_dir.join("bifrost.db")), 0o600, "database file");
}
