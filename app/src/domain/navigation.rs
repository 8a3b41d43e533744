//! Where to send a user after signing in.

/// `next` if it is a path on this site, else the dashboard: never another origin (`//host`,
/// `https://…`, `/\host`), so the login form cannot be turned into an open redirect.
pub fn safe_return_path(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && !path.chars().any(|c| c.is_control()) =>
        {
            path.to_string()
        }
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_return_path;

    #[test]
    fn local_paths_are_kept() {
        assert_eq!(
            safe_return_path(Some("/settings/organizations?page=2")),
            "/settings/organizations?page=2"
        );
    }

    #[test]
    fn other_origins_and_junk_go_to_the_dashboard() {
        for next in [
            None,
            Some(""),
            Some("https://evil.example"),
            Some("//evil.example"),
            Some("/\\evil.example"),
            Some("settings"),
            Some("/a\nb"),
        ] {
            assert_eq!(safe_return_path(next), "/", "{next:?}");
        }
    }
}
