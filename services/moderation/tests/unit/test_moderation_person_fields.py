"""Unit: moderation's table of who sees which field of a person is what its README shows (issue 17 §2)."""
import pathlib

from hearth_common.person_visibility import render_markdown
from moderation_service.service_layer.person_fields import TABLE

README = pathlib.Path(__file__).parents[2] / "README.md"


def test_readme_shows_the_table_the_tests_use():
    assert render_markdown(TABLE) in README.read_text(), "refresh the README from person_fields.TABLE"
