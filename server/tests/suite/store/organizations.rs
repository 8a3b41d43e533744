//! Organization rows on both backends.

use bifrost::services::ensure_provider_organization;
use bifrost::store::{Store, StoreError};

async fn an_inserted_organization_reads_back_whole(store: Store) {
    let created = store
        .insert_organization("Contoso Ltd — Zürich", false, 1_700_000_000_123)
        .await
        .expect("insert");
    let found = store
        .find_organization(created.id)
        .await
        .expect("find")
        .expect("exists");
    assert_eq!(found, created);
    assert_eq!(found.name, "Contoso Ltd — Zürich");
    assert!(!found.is_provider);
    assert_eq!(found.created_at, 1_700_000_000_123);
}

async fn names_are_unique_regardless_of_case(store: Store) {
    store
        .insert_organization("Fabrikam", false, 1)
        .await
        .expect("insert");
    let second = store.insert_organization("FABRIKAM", false, 2).await;
    assert!(
        matches!(second, Err(StoreError::Conflict(_))),
        "got {second:?}"
    );
}

async fn there_is_exactly_one_provider_however_often_it_is_ensured(store: Store) {
    ensure_provider_organization(&store).await.expect("first");
    ensure_provider_organization(&store).await.expect("second");
    let page = store.list_organizations("", 50, 0).await.expect("list");
    let providers = page.items.iter().filter(|org| org.is_provider).count();
    assert_eq!(providers, 1);
    let second_provider = store.insert_organization("Another MSP", true, 1).await;
    assert!(
        matches!(second_provider, Err(StoreError::Conflict(_))),
        "got {second_provider:?}"
    );
}

async fn lists_search_any_case_and_page_with_the_provider_first(store: Store) {
    ensure_provider_organization(&store)
        .await
        .expect("provider");
    for name in ["Beta Corp", "alpha corp", "Gamma Inc", "100% Corp"] {
        store
            .insert_organization(name, false, 1)
            .await
            .expect("insert");
    }
    let first = store.list_organizations("", 2, 0).await.expect("list");
    assert_eq!(first.total, 5);
    let names: Vec<_> = first.items.iter().map(|org| org.name.as_str()).collect();
    assert_eq!(names, ["Provider", "100% Corp"]);

    let corps = store
        .list_organizations("CORP", 10, 0)
        .await
        .expect("search");
    let names: Vec<_> = corps.items.iter().map(|org| org.name.as_str()).collect();
    assert_eq!(names, ["100% Corp", "alpha corp", "Beta Corp"]);

    let percent = store.list_organizations("%", 10, 0).await.expect("search");
    assert_eq!(percent.total, 1, "a % in the search matches only itself");
}

crate::both_backends!(store:
    an_inserted_organization_reads_back_whole,
    names_are_unique_regardless_of_case,
    there_is_exactly_one_provider_however_often_it_is_ensured,
    lists_search_any_case_and_page_with_the_provider_first,
);
