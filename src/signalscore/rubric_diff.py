"""What changed between two versions of a rubric, item by item."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from signalscore.rubric import Dimension, Feature, Rubric, Scale


@dataclass(frozen=True)
class Change:
    """One difference: which item, which property, its old and new text."""

    item: str
    id: str
    change: str
    old: str
    new: str


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, tuple | list):
        return ", ".join(_text(v) for v in value)
    return str(value)


def _fields(item: str, key: str, old: Any, new: Any, names: tuple[str, ...]) -> Iterator[Change]:
    for name in names:
        a, b = getattr(old, name), getattr(new, name)
        if a != b:
            yield Change(item, key, name, _text(a), _text(b))


def _feature_summary(f: Feature) -> str:
    where = f", in {f.dimension}" if f.dimension else ""
    return f"{f.scale.type}, weight {f.weight:g}, {f.direction}{where}"


def _level_text(scale: Scale, level: int) -> str:
    assert scale.levels is not None
    found = scale.levels.get(level)
    if found is None:
        return ""
    return found.label if found.value is None else f"{found.label} (value {found.value:g})"


def _scale_changes(fid: str, old: Scale, new: Scale) -> Iterator[Change]:
    if old.type != new.type:
        yield Change("feature", fid, "scale type", old.type, new.type)
        return
    yield from _fields("feature", fid, old, new, ("thresholds", "cap", "min", "max"))
    if old.levels is not None and new.levels is not None:
        for level in sorted(set(old.levels) | set(new.levels)):
            a, b = _level_text(old, level), _level_text(new, level)
            if a != b:
                yield Change("feature", fid, f"level {level}", a, b or "removed")


# A change to or from a penalty changes what absence means (DESIGN.md section 9): say so.
_DIRECTIONS = {
    "positive": "positive (presence earns the weight)",
    "negative": "negative (absence earns the weight)",
    "penalty": "penalty (absence adds nothing, presence subtracts)",
}


def _feature_changes(old: Feature, new: Feature) -> Iterator[Change]:
    for change in _fields("feature", old.id, old, new, ("label", "dimension", "weight", "direction")):
        if change.change == "direction" and "penalty" in (old.direction, new.direction):
            change = Change("feature", old.id, "direction", _DIRECTIONS[old.direction], _DIRECTIONS[new.direction])
        yield change
    yield from _scale_changes(old.id, old.scale, new.scale)


def _dimension_changes(old: Dimension, new: Dimension) -> Iterator[Change]:
    yield from _fields("dimension", old.id, old, new, ("label", "weight"))


def _matched(
    item: str,
    old: tuple[Any, ...],
    new: tuple[Any, ...],
    summary: Callable[[Any], str],
    changes: Callable[[Any, Any], Iterator[Change]],
) -> Iterator[Change]:
    """Items removed, added, then changed, matched by id; old order first, then new."""
    before, after = {x.id: x for x in old}, {x.id: x for x in new}
    for key, x in before.items():
        if key not in after:
            yield Change(item, key, "removed", summary(x), "")
    for key, x in after.items():
        if key not in before:
            yield Change(item, key, "added", "", summary(x))
    for key, x in before.items():
        if key in after:
            yield from changes(x, after[key])


def rubric_changes(old: Rubric, new: Rubric) -> list[Change]:
    """Every difference that can move a score, plus renamed labels."""
    found = list(_fields("rubric", old.id, old, new, ("id", "version", "missing")))
    if old.scale != new.scale:
        scale = "{:g} to {:g}"
        found.append(
            Change(
                "rubric",
                old.id,
                "scale",
                scale.format(old.scale.min, old.scale.max),
                scale.format(new.scale.min, new.scale.max),
            )
        )
    found += _matched("dimension", old.dimensions, new.dimensions, lambda d: f"weight {d.weight:g}", _dimension_changes)
    found += _matched("feature", old.features, new.features, _feature_summary, _feature_changes)
    return found
