"""Unit: the events room announces are the README's, each built by its constructor in domain/events.py."""
import re
from pathlib import Path

from room_service.domain import events

ROOM = Path(__file__).resolve().parents[2]


def test_the_readme_documents_every_event_room_announces_and_no_other():
    readme = (ROOM / "README.md").read_text()
    table = readme.split("## Events sent", 1)[1].split("\n## ", 1)[0]
    assert tuple(re.findall(r"^\| `(\w+)` \|", table, re.MULTILINE)) == events.EVENT_TYPES


def test_every_event_type_has_its_constructor_and_the_use_cases_build_events_only_through_them():
    for event_type in events.EVENT_TYPES:
        assert callable(getattr(events, event_type))
    for module in (ROOM / "src" / "room_service").rglob("*.py"):
        if module.name != "events.py" or module.parent.name != "domain":
            assert not re.search(r"(?<![\w.])Event\(", module.read_text()), f"{module} builds an event itself"
