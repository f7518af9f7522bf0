"""Deterministic synthetic rubric and case files for the benchmark."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

RUBRIC_ID = "bench-signals"


def ordinal(*labels: str) -> str:
    """An ordinal scale in YAML flow style, levels 0, 1, ... with these labels."""
    levels = ", ".join(f"{i}: {label}" for i, label in enumerate(labels))
    return f"{{type: ordinal, levels: {{{levels}}}}}"


# (id, dimension, weight, direction, scale in YAML flow style): 12 features, 2 dimensions, every scale type.
FEATURES: tuple[tuple[str, str, int, str, str], ...] = (
    ("explicit_endorsement", "declaratory", 3, "positive", ordinal("none", "hedged", "clear", "full")),
    ("core_interest_framing", "declaratory", 2, "positive", ordinal("none", "generic", "specific")),
    ("formal_commitment", "declaratory", 3, "positive", ordinal("none", "consult", "neutrality", "defence")),
    ("leader_meetings", "declaratory", 1, "positive", "{type: count, thresholds: [1, 2, 4]}"),
    ("official_framing", "declaratory", 1, "positive", "{type: binary}"),
    ("distancing", "declaratory", 2, "negative", ordinal("none", "mild", "open")),
    ("un_votes", "behavioral", 2, "positive", ordinal("against", "abstain", "for")),
    ("territorial_recognition", "behavioral", 2, "positive", "{type: binary}"),
    ("sanction_compliance", "behavioral", 2, "negative", ordinal("none", "partial", "full")),
    ("economic_support", "behavioral", 2, "positive", "{type: continuous, min: 0, max: 50}"),
    ("military_cooperation", "behavioral", 3, "positive", "{type: count, cap: 6}"),
    ("costliness", "behavioral", 3, "positive", ordinal("none", "low", "high")),
)

STATES = ("Alphaland", "Betania", "Corvia", "Deltora", "Estmark", "Fenwick", "Galdor", "Hestia", "Ithaca", "Jorvik")
WORDS = (
    *("statement", "readout", "ministry", "spokesman", "summit", "visit", "vote", "abstention", "resolution"),
    *("sanctions", "trade", "credit", "exercise", "drills", "pledge", "partnership", "sovereignty", "territorial"),
    *("integrity", "concern", "dialogue", "restraint", "support"),
)


@dataclass(frozen=True)
class Corpus:
    """Where one generated corpus lives and what it holds."""

    rubrics_dir: Path
    cases_dir: Path
    n_cases: int
    n_na: int
    n_unknown: int


def rubric_yaml() -> str:
    """The 12-feature, 2-dimension benchmark rubric."""
    lines = [
        f"id: {RUBRIC_ID}",
        'version: "1.0.0"',
        "title: Synthetic rubric for the signalscore benchmark",
        "scale: {min: 0, max: 100}",
        "missing: renormalize",
        "dimensions:",
        "  - {id: declaratory, label: Declaratory signals, weight: 2}",
        "  - {id: behavioral, label: Behavioural signals, weight: 3}",
        "features:",
    ]
    for fid, dim, weight, direction, scale in FEATURES:
        label = fid.replace("_", " ").capitalize()
        lines += [
            f"  - id: {fid}",
            f"    label: {label}",
            f"    dimension: {dim}",
            f"    weight: {weight}",
            f"    direction: {direction}",
            f"    guidance: Code the sender's own voice for {label.lower()}.",
            f"    scale: {scale}",
        ]
    return "\n".join(lines) + "\n"


def _value(rng: random.Random, scale: str) -> str:
    """A random valid coded value for a scale, as YAML text."""
    if "binary" in scale:
        return rng.choice(("true", "false", "1", "0"))
    if "thresholds" in scale:
        return str(rng.randint(0, 6))
    if "cap" in scale:
        return str(rng.randint(0, 9))
    if "continuous" in scale:
        return f"{rng.uniform(-5, 60):.2f}"
    levels = scale.count(":") - 2  # one colon per level, plus those of "type:" and "levels:"
    return str(rng.randint(0, levels - 1))


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def case_yaml(index: int, seed: int) -> tuple[str, int, int]:
    """Case number `index`: its YAML text and its count of n/a and unknown features."""
    rng = random.Random(seed * 1_000_003 + index)
    sender, recipient = rng.sample(STATES, 2)
    year = 1990 + index % 35
    lines = [
        f"id: case-{index:06d}",
        f"rubric: {RUBRIC_ID}",
        f"title: {sender}'s support for {recipient}, episode {index}",
        f"sender: {sender}",
        f"recipient: {recipient}",
        f"period: {{start: {year}-03-01, end: {year}-09-30}}",
        f"coder: analyst-{index % 7}",
        f"summary: >-\n  {_sentence(rng, 18)}\n  {_sentence(rng, 14)}",
        "sources:",
    ]
    for k in range(3):
        lines += [f"  - id: src-{k}", f"    title: {_sentence(rng, 6)}", f"    date: {year}-0{4 + k}-1{k}"]
    lines.append("codings:")
    n_na = n_unknown = 0
    for fid, _dim, _weight, _direction, scale in FEATURES:
        roll = rng.random()
        if roll < 0.08:
            n_na += 1
            lines.append(f"  {fid}: n/a")
        elif roll < 0.14:
            n_unknown += 1
            lines.append(f"  {fid}: unknown")
        elif roll < 0.20:
            n_unknown += 1  # not mentioned at all: unknown too
        elif roll < 0.50:
            lines.append(f"  {fid}: {_value(rng, scale)}")
        else:
            lines += [
                f"  {fid}:",
                f"    value: {_value(rng, scale)}",
                f"    confidence: {rng.choice(('high', 'medium', 'low'))}",
                f"    rationale: {_sentence(rng, 12)}",
                "    evidence:",
                f"      - source: src-{rng.randrange(3)}",
                f'        quote: "{_sentence(rng, 10)}"',
            ]
    return "\n".join(lines) + "\n", n_na, n_unknown


def write_corpus(root: Path, n_cases: int, seed: int) -> Corpus:
    """Write the rubric and `n_cases` case files under root (reused if already complete)."""
    rubrics_dir, cases_dir = root / "rubrics", root / f"cases-{n_cases}-seed{seed}"
    rubrics_dir.mkdir(parents=True, exist_ok=True)
    (rubrics_dir / f"{RUBRIC_ID}.yaml").write_text(rubric_yaml(), encoding="utf-8")
    done = cases_dir / ".complete"
    n_na = n_unknown = 0
    if done.is_file():
        n_na, n_unknown = (int(x) for x in done.read_text().split())
        return Corpus(rubrics_dir, cases_dir, n_cases, n_na, n_unknown)
    for index in range(n_cases):
        folder = cases_dir / f"{index // 1000:03d}"  # 1000 files a folder keeps directory listings quick
        if index % 1000 == 0:
            folder.mkdir(parents=True, exist_ok=True)
        text, na, unknown = case_yaml(index, seed)
        n_na, n_unknown = n_na + na, n_unknown + unknown
        (folder / f"case-{index:06d}.yaml").write_text(text, encoding="utf-8")
    done.write_text(f"{n_na} {n_unknown}\n")
    return Corpus(rubrics_dir, cases_dir, n_cases, n_na, n_unknown)
