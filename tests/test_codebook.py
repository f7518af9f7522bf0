"""The codebook renders every feature, level and weight, and the committed one is current."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from signalscore.api import load_rubric
from signalscore.codebook import codebook
from tests.conftest import DEMO, ROOT


def test_committed_codebook_is_current() -> None:
    rubric = load_rubric(ROOT / "rubrics" / "support-signals.yaml")
    committed = (ROOT / "docs" / "codebook-support-signals.md").read_text(encoding="utf-8")
    assert committed == codebook(rubric), (
        "stale: run `signalscore codebook support-signals -o docs/codebook-support-signals.md`"
    )


def test_codebook_lists_dimensions_features_levels_and_base_weights() -> None:
    text = codebook(load_rubric(DEMO / "rubrics" / "demo.yaml"))
    assert (
        text.index("## Words (`words`)") < text.index("### Endorsement (`endorse`)") < text.index("## Deeds (`deeds`)")
    )
    assert "Dimension weight 3 (75% of the score when all features are coded)." in text
    # endorse: 1/4 of the score for words, 2 of 4 weight units in it -> 12.5%
    assert "Weight 2 in its dimension; base weight 12.5% of the score." in text
    assert "|       3 | endorses the act" in text
    assert "Thresholds 1, 2, 4: the signal rises one step at each threshold reached." in text
    assert "capped at 4: the signal is min(x, 4) / 4." in text
    assert "Direction negative: a higher level lowers the score." in text
    assert "**References.** Fearon, J. D. (1997)." in text


def test_codebook_command_writes_markdown(cli: Callable[..., Any], tmp_path: Path) -> None:
    out = tmp_path / "codebook.md"
    run = cli("codebook", "demo", "-o", str(out))
    assert run.code == 0, run.err
    assert out.read_text(encoding="utf-8") == codebook(load_rubric(DEMO / "rubrics" / "demo.yaml"))


def test_codebook_of_an_unknown_rubric_is_a_usage_error(cli: Callable[..., Any]) -> None:
    run = cli("codebook", "nope")
    assert run.code == 2
    assert run.err == "Error: rubric 'nope': no such file, and no rubric with that id in rubrics/ (known: demo)\n"
