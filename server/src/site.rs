//! Where the compiled site (WASM, JS, CSS) lives, so that the release binary runs from any
//! working directory. `LEPTOS_*` environment variables still override, as cargo-leptos sets them.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use leptos::config::{Env, LeptosOptions};

use crate::error::StartupError;

/// The output name cargo-leptos gives the WASM, JS and CSS files (`[[workspace.metadata.leptos]]`).
const OUTPUT_NAME: &str = "bifrost";

pub fn leptos_options(listen: SocketAddr) -> Result<LeptosOptions, StartupError> {
    let site_root = match std::env::var("LEPTOS_SITE_ROOT") {
        Ok(root) => PathBuf::from(root),
        Err(_) => find_site_root()?,
    };
    let env = match std::env::var("LEPTOS_ENV").as_deref() {
        Ok("DEV") | Ok("dev") | Ok("development") => Env::DEV,
        _ => Env::PROD,
    };
    let output_name = std::env::var("LEPTOS_OUTPUT_NAME").unwrap_or_else(|_| OUTPUT_NAME.into());
    Ok(LeptosOptions::builder()
        .output_name(output_name)
        .site_root(site_root.to_string_lossy().into_owned())
        .site_pkg_dir(std::env::var("LEPTOS_SITE_PKG_DIR").unwrap_or_else(|_| "pkg".into()))
        .env(env)
        .site_addr(listen)
        .build())
}

/// The site sits beside the binary's profile folder (`<target>/site` for `<target>/release/bifrost`),
/// or next to the binary when installed elsewhere.
fn find_site_root() -> Result<PathBuf, StartupError> {
    let exe = std::env::current_exe().map_err(|error| StartupError::Site(error.to_string()))?;
    let exe_dir = exe.parent().unwrap_or(Path::new("."));
    let candidates = [exe_dir.join("site"), exe_dir.join("../site")];
    candidates
        .iter()
        .find(|dir| dir.join("pkg").is_dir())
        .map(|dir| dir.canonicalize().unwrap_or_else(|_| dir.clone()))
        .ok_or_else(|| {
            StartupError::Site(format!(
                "looked in {} and {}; build with `cargo leptos build --release` or set LEPTOS_SITE_ROOT",
                candidates[0].display(),
                candidates[1].display()
            ))
        })
}
