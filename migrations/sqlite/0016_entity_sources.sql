-- An integration's entity source: the GET (relative to its base_url) that lists the external
-- system's tenants or companies for the mapping picker and auto-match, how it authenticates
-- (the shared OAuth token, or a config field sent as a named header), where the entities are in
-- the answer (RFC 6901 JSON Pointers), how to page, and how long a fetched list is kept.
CREATE TABLE entity_sources (
    integration_id INTEGER PRIMARY KEY REFERENCES integrations (id) ON DELETE CASCADE,
    path           TEXT    NOT NULL,
    auth_kind      TEXT    NOT NULL,
    header_name    TEXT    NOT NULL DEFAULT '',
    header_field   TEXT    NOT NULL DEFAULT '',
    list_pointer   TEXT    NOT NULL,
    id_pointer     TEXT    NOT NULL,
    name_pointer   TEXT    NOT NULL,
    paging_kind    TEXT    NOT NULL,
    next_pointer   TEXT    NOT NULL DEFAULT '',
    page_parameter TEXT    NOT NULL DEFAULT '',
    first_page     INTEGER NOT NULL DEFAULT 1,
    max_pages      INTEGER NOT NULL DEFAULT 50,
    cache_seconds  INTEGER NOT NULL DEFAULT 3600,
    updated_at     BIGINT  NOT NULL
);
