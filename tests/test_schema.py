"""JSON Schemas: committed copies are fresh, and every shipped file passes an independent validator."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from signalscore.loader import kind_of
from signalscore.schema import KINDS, file_name, header, schema_text

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "schemas"
SHIPPED = sorted(
    [*(ROOT / "rubrics").glob("*.yaml"), *(ROOT / "cases").glob("*.yaml"), *(ROOT / "mappings").glob("*.yaml")]
)
VALID = sorted((ROOT / "tests" / "data" / "valid").rglob("*.yaml"))


def as_editor_sees(value: Any) -> Any:
    """YAML data as JSON: dates are strings (YAML 1.2, as editors read them) and keys are strings."""
    if isinstance(value, dict):
        return {str(k): as_editor_sees(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_editor_sees(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def validator(kind: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMAS / file_name(kind)).read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def errors(kind: str, data: Any) -> list[str]:
    return sorted(e.message for e in validator(kind).iter_errors(as_editor_sees(data)))


@pytest.mark.parametrize("kind", KINDS)
def test_committed_schema_is_fresh(kind: str) -> None:
    committed = (SCHEMAS / file_name(kind)).read_text(encoding="utf-8")
    assert committed == schema_text(kind), f"schemas/{file_name(kind)} is stale: signalscore schema {kind} -o schemas/"


@pytest.mark.parametrize("kind", KINDS)
def test_schema_is_valid_json_schema_with_id(kind: str) -> None:
    schema = json.loads(schema_text(kind))
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$id"] == f"urn:signalscore:schema:{kind}"
    assert schema["title"] == f"signalscore {kind}"
    assert schema_text(kind) == schema_text(kind)


@pytest.mark.parametrize("path", SHIPPED + VALID, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shipped_file_passes_the_schema(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    kind = kind_of(data)
    if kind is None:
        pytest.skip("neither a rubric nor a case")
    assert errors(kind, data) == []


def test_shipped_files_exist() -> None:
    assert [p.name for p in SHIPPED if p.parent.name == "rubrics"] == ["support-signals.yaml"]
    assert len([p for p in SHIPPED if p.parent.name == "cases"]) >= 3


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_shipped_files_point_editors_at_the_schema(path: Path) -> None:
    kind = kind_of(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert kind is not None
    assert path.read_text(encoding="utf-8").splitlines()[0] == header(kind)
    assert (path.parent / "../schemas" / file_name(kind)).resolve().is_file()


RUBRIC = {
    "id": "r",
    "version": "1",
    "title": "R",
    "features": [{"id": "f", "label": "F", "scale": {"type": "ordinal", "levels": {0: "no", 1: {"label": "yes"}}}}],
}


def with_scale(scale: dict[str, Any]) -> dict[str, Any]:
    return {**RUBRIC, "features": [{**RUBRIC["features"][0], "scale": scale}]}


def test_rubric_shorthand_levels_and_integer_keys_pass() -> None:
    assert errors("rubric", RUBRIC) == []


@pytest.mark.parametrize(
    ("scale", "expected"),
    [
        ({"type": "count", "levels": {0: "a", 1: "b"}, "cap": 3}, ["False schema does not allow {'0': 'a', '1': 'b'}"]),
        (
            {"type": "count", "cap": 3, "thresholds": [1]},
            [
                "{'type': 'count', 'cap': 3, 'thresholds': [1]} is valid under each of {'required': ['cap']}, "
                "{'required': ['thresholds']}"
            ],
        ),
        ({"type": "continuous", "min": 0}, ["'max' is a required property"]),
        ({"type": "ordinal", "levels": {0: "only"}}, ["{'0': 'only'} does not have enough properties"]),
        (
            {"type": "ordinal", "levels": {"high": "x", 0: "y"}},
            ["{'high': 'x', '0': 'y'} is not valid under any of the given schemas"],
        ),
        (
            {"type": "binary", "cap": 0},
            ["0 is not valid under any of the given schemas", "False schema does not allow 0"],
        ),
    ],
)
def test_schema_refuses_bad_scales(scale: dict[str, Any], expected: list[str]) -> None:
    assert errors("rubric", with_scale(scale)) == expected


CASE = {"id": "c", "rubric": "r", "title": "T", "sender": "A", "recipient": "B"}


def test_case_shorthand_values_pass_and_bad_values_fail() -> None:
    good = {**CASE, "codings": {"a": 2, "b": "n/a", "c": True, "d": {"value": "unknown", "confidence": "low"}}}
    assert errors("case", good) == []
    bad = {**CASE, "codings": {"a": "maybe"}, "colour": "red"}
    found = errors("case", bad)
    assert "Additional properties are not allowed ('colour' was unexpected)" in found
    assert any("'maybe' is not valid under any of the given schemas" in f for f in found)


def test_schema_command_prints_the_committed_schema(cli: Callable[..., Any]) -> None:
    run = cli("schema", "case")
    assert run.code == 0, run.err
    assert run.out == (SCHEMAS / "case.schema.json").read_text(encoding="utf-8")


def test_schema_command_writes_a_file(cli: Callable[..., Any], tmp_path: Path) -> None:
    run = cli("schema", "rubric", "-o", str(tmp_path / "r.json"))
    assert run.code == 0, run.err
    assert (tmp_path / "r.json").read_text(encoding="utf-8") == schema_text("rubric")


def test_schema_command_refuses_an_unknown_kind(cli: Callable[..., Any]) -> None:
    run = cli("schema", "sources")
    assert run.code == 2
    assert "'sources' is not one of 'rubric', 'case'" in run.err
