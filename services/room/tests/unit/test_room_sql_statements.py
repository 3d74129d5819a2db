"""Unit: room's hand-written hot-path statements are fixed text, and every one that decides the door reads the
same facts (they are written out whole, so this is what keeps them from drifting apart)."""
import dataclasses

from room_service.adapters import repository
from room_service.domain.rooms import Room


def _words(sql: str) -> str:
    return " ".join(sql.split())


def _door_columns() -> str:
    return _words(repository._ACCESS_CONTEXT_SQL).removesuffix(" FROM rooms r WHERE r.slug = :slug")


def test_history_pages_are_read_with_the_door_checks_own_columns():
    for statement in (repository._READ_BEFORE_SQL, repository._READ_AFTER_SQL):
        assert _words(statement).startswith(_door_columns() + ", (SELECT coalesce(json_agg(page ORDER BY")


def test_the_door_check_names_every_column_of_a_room():
    selected = _door_columns().split(", (SELECT")[0]
    assert selected == "SELECT " + ", ".join(f"r.{f.name}" for f in dataclasses.fields(Room))


def test_a_post_is_decided_on_the_door_checks_sanctions_and_openness():
    posting = _words(repository.MessagesRepository._POSTING_CONTEXT.sql)
    door = _door_columns()
    sanctions = door[door.index("(SELECT coalesce(json_agg(json_build_object("):door.index(" AS sanctions")]
    assert sanctions + " AS sanctions" in posting
    for openness in ("EXISTS (SELECT 1 FROM members m WHERE m.room_slug = r.slug AND m.checked_in)",
                     "(SELECT s.session_id FROM sessions s WHERE s.room_slug = r.slug AND s.status = 'live' LIMIT 1)"):
        assert openness in door and openness in posting
