//! The browser entry point: hydrates the server-rendered page into the live app.
//!
//! Pages are lazy routes (split into WASM files of their own), so hydration is asynchronous: it
//! first loads the code of the page being shown.

use any_spawner::Executor;
use leptos::mount::hydrate_from_async;
use leptos::prelude::document;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // An error means the executor is already running, which is fine.
    let _ = Executor::init_wasm_bindgen();
    leptos::task::spawn_local(async {
        let Some(body) = document().body() else {
            return;
        };
        hydrate_from_async(body.clone(), app::App).await.forget();
        // Lets end-to-end tests wait for a live page instead of guessing with timeouts.
        let _ = body.set_attribute("data-hydrated", "true");
    });
}
