"""Build check: the committed generated code is exactly what `make proto` produces from the .proto sources."""
import filecmp
import importlib.util
import pathlib

HERE = pathlib.Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("protos_generate", HERE / "generate.py")
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)


def files_under(root: pathlib.Path) -> set[str]:
    files = (p for p in (root / "hearth").rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return {str(p.relative_to(root)) for p in files}


def test_generated_code_is_fresh(tmp_path):
    generate.generate(tmp_path)
    committed = HERE / "gen"
    assert files_under(tmp_path) == files_under(committed), "generated file set differs: run `make proto`"
    stale = [n for n in files_under(tmp_path) if not filecmp.cmp(tmp_path / n, committed / n, shallow=False)]
    assert stale == [], f"stale generated code, run `make proto`: {stale}"


def test_every_rpc_message_and_field_is_documented():
    import re

    for proto in (HERE / "hearth").rglob("*.proto"):
        lines = proto.read_text().splitlines()
        for i, line in enumerate(lines):
            stripped = line.strip()
            declares = re.match(r"^(service|rpc|message|enum)\s", stripped) or re.match(
                r"^(repeated\s+)?[\w.]+\s+\w+\s*=\s*\d+;", stripped
            )
            if declares and not stripped.startswith("oneof"):
                previous = lines[i - 1].strip()
                assert previous.startswith("//"), f"{proto.name}:{i + 1} has no comment: {stripped}"
