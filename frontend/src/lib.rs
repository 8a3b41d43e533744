//! The browser entry point: makes the server-rendered page's islands live.
//!
//! Leptos' island script calls `hydrate` once the WASM module has loaded, then hydrates each
//! island, loading its code (a WASM file of its own) first.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    app::ui::islands::expect_islands();
}
