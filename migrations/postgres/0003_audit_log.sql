-- Every change made through the UI or the API: who, what, which object, when, which fields.
-- `changes` is JSON ({"field": {"from": …, "to": …}}) and never holds a secret value.
CREATE TABLE audit_log (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at  BIGINT  NOT NULL,
    actor_id     BIGINT,
    actor_label  TEXT    NOT NULL,
    action       TEXT    NOT NULL,
    object_type  TEXT    NOT NULL,
    object_id    TEXT    NOT NULL,
    object_label TEXT    NOT NULL,
    changes      TEXT    NOT NULL
);
CREATE INDEX audit_log_occurred_at ON audit_log (occurred_at DESC, id DESC);
