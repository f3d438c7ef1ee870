"""Issue #11.2/#11.3/#11.5: plans record stage, hand-over, stories, themes and outcome domains —
all optional, so plans without them still validate; stories pass the privacy scan."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import yaml

from fou_analysis import DataError
from fou_analysis.config import DOMAINS, Handover, Project, Story, Text, Theme, load_plan, parse_plan
from fou_analysis.exceptions import SpecificationError
from fou_analysis.framework import code_themes, handover_html, story_cards
from fou_analysis.framework.handover import risks

ROOT = Path(__file__).resolve().parents[2]
CASES = ("utstyrsbu", "noen", "friskgarden")


def _plan_dict(slug: str = "utstyrsbu") -> dict:
    return yaml.safe_load((ROOT / "cases" / f"{slug}.yaml").read_text(encoding="utf-8"))


def _bare(slug: str = "utstyrsbu") -> dict:
    """The plan as it was before issue #11: no co-creation fields, no domains."""
    d = _plan_dict(slug)
    for k in ("stage", "handover", "stories", "themes"):
        d.pop(k, None)
    for o in d["outcomes"]:
        o.pop("domain", None)
    return d


@pytest.mark.parametrize("slug", CASES)
def test_plans_without_the_new_fields_still_validate(slug: str) -> None:
    plan = parse_plan(_bare(slug))
    assert plan.stage is None and plan.handover is None and plan.stories == []
    assert all(o.domain is None for o in plan.outcomes)


@pytest.mark.parametrize("slug", CASES)
def test_demo_plans_fill_in_stage_handover_stories_and_domains(slug: str) -> None:
    plan = load_plan(slug, project=Project.at(ROOT))
    assert plan.stage in ("pilot", "drift")
    assert plan.handover is not None and plan.handover.operator
    assert plan.stories and any(s.consent for s in plan.stories)
    assert all(o.domain in DOMAINS for o in plan.outcomes)


def test_life_satisfaction_is_subjective_wellbeing() -> None:
    plan = load_plan("utstyrsbu", project=Project.at(ROOT))
    assert plan.outcome("life_satisfaction").domain == "subjective_wellbeing"


def test_an_unknown_domain_is_refused_with_a_suggestion() -> None:
    d = _plan_dict()
    d["outcomes"][0]["domain"] = "helth"
    with pytest.raises(SpecificationError, match=r"'helth' is not one of .*did you mean 'health'"):
        parse_plan(d)


def test_a_misspelt_handover_field_is_named_with_a_suggestion() -> None:
    d = _plan_dict()
    d["handover"]["operatr"] = d["handover"].pop("operator")
    with pytest.raises(SpecificationError, match=r"unknown field 'operatr' \(did you mean 'operator'"):
        parse_plan(d)


def test_a_story_must_name_an_outcome_of_the_plan() -> None:
    d = _plan_dict()
    d["stories"][0]["outcome"] = "activity_dayz"
    with pytest.raises(
        SpecificationError, match=r"story 1: outcome 'activity_dayz'.*did you mean 'activity_days'"
    ):
        parse_plan(d)


@pytest.mark.parametrize(
    "text,kind",
    [
        ("Ring meg på 912 34 567 om du lurer.", "phone"),
        ("Skriv til ola.nordmann@example.no.", "email"),
        ("Fødselsnummeret mitt er 15076500565.", "fnr"),
    ],
)
def test_a_story_with_personal_data_is_refused_and_masked(text: str, kind: str) -> None:
    d = _plan_dict()
    d["stories"][0]["text"]["nb"] = text
    with pytest.raises(SpecificationError) as err:
        parse_plan(d)
    msg = str(err.value)
    assert "personal data" in msg and kind in msg
    assert "912 34 567" not in msg and "ola.nordmann@example.no" not in msg and "15076500565" not in msg


def _story(consent: bool, text: str = "Det hjalp oss.", outcome: str | None = "activity_days") -> Story:
    return Story(
        text=Text(nb=text, en="It helped us."),
        told_by=Text(nb="forelder", en="parent"),
        date=date(2024, 5, 1),
        consent=consent,
        outcome=outcome,
    )


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_story_cards_show_only_consented_stories(lang: str) -> None:
    shown, hidden = _story(True, "Vi fikk <b>låne</b> ski."), _story(False, "Hemmelig historie.")
    out = str(story_cards([shown, hidden], lang, outcome_labels={"activity_days": "aktivitet"}))
    assert out.count("story-card") == 1
    assert "Hemmelig" not in out
    assert ("1 historie(r) uten registrert samtykke" if lang == "nb" else "1 story(ies) without") in out
    if lang == "nb":
        assert "&lt;b&gt;låne&lt;/b&gt;" in out and "<b>låne" not in out  # escaped
    assert ("forelder" if lang == "nb" else "parent") in out


def test_story_cards_beside_one_outcome() -> None:
    a, b = _story(True, outcome="activity_days"), _story(True, outcome="life_satisfaction")
    assert str(story_cards([a, b], "nb", outcome="life_satisfaction")).count("story-card") == 1


def test_story_cards_refuse_personal_data_at_render_time() -> None:
    # model_construct skips validation, as a story built in code might
    bad = Story.model_construct(
        text=Text(nb="Ring 912 34 567", en="Call 912 34 567"),
        told_by=Text(nb="forelder", en="parent"),
        date=date(2024, 1, 1),
        consent=True,
        outcome=None,
        domain=None,
    )
    with pytest.raises(DataError, match="personal data"):
        story_cards([bad], "nb")


THEMES = [
    Theme(id="safety", label=Text(nb="Trygghet", en="Safety"), keywords=["trygg", "safe"]),
    Theme(id="friends", label=Text(nb="Venner", en="Friends"), keywords=["venn", "friend"]),
]


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_themes_are_counted_per_answer(lang: str) -> None:
    answers = pd.Series(
        ["Jeg føler TRYGGHET her"] * 6  # keyword at a word start, any case
        + ["Nye venner og trygge voksne"] * 6  # two themes in one answer: counts in both
        + ["Fikk en venninne"] * 2  # 'venn' starts 'venninne': friends
        + ["Utrygg", "Kjedelig", "Bra", "Fint", "Ok"]  # 'trygg' not at a word start: other
        + ["", None]  # empty answers left out
    )
    out = code_themes(answers, THEMES, lang, n_min=5).set_index("Tema" if lang == "nb" else "Theme")
    col = "Antall svar" if lang == "nb" else "Answers"
    got = out[col].tolist()
    assert got == [12, 8, 5, 19]  # safety, friends, other, total answers
    assert not out.attrs["suppressed_cells"]


def test_small_theme_counts_are_suppressed_with_a_secondary_cell() -> None:
    answers = pd.Series(["trygg her"] * 12 + ["venner"] * 8 + ["annet svar"])
    out = code_themes(answers, THEMES, "en", n_min=5).set_index("Theme")
    assert pd.isna(out.loc["Other", "Answers"])  # 1 answer
    # with the total shown, one more cell must go so 'other' cannot be recovered: the smaller one
    assert pd.isna(out.loc["Friends", "Answers"]) and out.loc["Safety", "Answers"] == 12
    assert {c[2] for c in out.attrs["suppressed_cells"]} == {"primary", "secondary"}
    assert "below 5" in out.attrs["suppression_note"]


def test_handover_section_shows_what_is_missing_escaped() -> None:
    h = Handover.model_validate(
        {
            "operator": "Lag <AS>",
            "funding_until": "2027-01-31",
            "checklist": {"owner_named": True, "agreement": True},
        }
    )
    nb = str(handover_html("pilot", h, "nb", today=date(2026, 6, 1)))
    en = str(handover_html("pilot", h, "en", today=date(2026, 6, 1)))
    assert "Lag &lt;AS&gt;" in nb and "<AS>" not in nb
    assert "Mangler: finansiering etter prosjektperioden" in nb and "Finansieringen slutter 31.01.2027" in nb
    assert "Missing: competence transferred" in en and "Funding ends on 2027-01-31" in en
    assert "Missing: owner" not in en  # in place
    assert "Ordinary operation" not in en and "Pilot" in en


def test_handover_risks_by_stage() -> None:
    full = Handover.model_validate(
        {
            "operator": "X",
            "checklist": dict.fromkeys(
                ["owner_named", "funding_beyond_project", "agreement", "competence", "anchored_in_plans"],
                True,
            ),
        }
    )
    assert risks("drift", full, "en") == []
    assert risks("avsluttet", None, "en") == []  # ended: nothing to hand over
    assert risks("ide", None, "nb") == ["Ingen plan for overføring til drift"]
    ended = full.model_copy(update={"funding_until": date(2025, 1, 1)})
    assert risks("drift", ended, "en", today=date(2026, 1, 1)) == ["Funding ended on 2025-01-01"]


def test_old_plan_copy_is_not_modified() -> None:
    d = _bare()
    before = copy.deepcopy(d)
    parse_plan(d)
    assert d == before


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_case_report_section_shows_handover_and_consented_stories(lang: str) -> None:
    from fou_analysis.framework import cocreation_section

    plan = load_plan("utstyrsbu", project=Project.at(ROOT))
    out = str(cocreation_section(plan, lang, today=date(2026, 1, 1)))
    assert ("Overføring til drift" if lang == "nb" else "Hand-over to operation") in out
    assert "Kirkens Bymisjon Steinkjer" in out
    assert out.count("story-card") == sum(s.consent for s in plan.stories) == 2
    assert plan.outcome("activity_days").label.get(lang) in out  # the card names its outcome
    assert ("Mangler: forankret" if lang == "nb" else "Missing: anchored") in out  # the unmet item
    assert ("Mangler: eier" if lang == "nb" else "Missing: owner") not in out
    assert str(cocreation_section(parse_plan(_bare()), lang)) == ""  # old plans: no section


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_consented_stories_stand_under_their_outcome_and_the_rest_in_the_section(lang: str) -> None:
    from fou_analysis.framework import cocreation_section, outcome_stories

    plan = load_plan("utstyrsbu", project=Project.at(ROOT))
    loose = _story(True, "Et bibliotek for utstyr gir flere muligheter.", outcome=None)
    plan = plan.model_copy(update={"stories": [*plan.stories, loose]})
    by_outcome = {o.id: str(outcome_stories(plan, o.id, lang)) for o in plan.outcomes}
    for oid, out in by_outcome.items():
        mine = [s for s in plan.stories if s.outcome == oid]
        assert out.count("story-card") == sum(s.consent for s in mine)
        assert (out == "") == (not mine)  # nothing at all under an outcome without stories
        for s in mine:
            assert (html_escape(s.text.get(lang)) in out) == s.consent  # only consented text
    assert ("Fra tiltaket" if lang == "nb" else "From the initiative") in by_outcome["activity_days"]
    assert ("1 historie(r) uten" if lang == "nb" else "1 story(ies) without") in by_outcome["activity_days"]
    # the co-creation section keeps only the story no outcome shows, and says where the rest are
    ids = [o.id for o in plan.outcomes]
    rest = str(cocreation_section(plan, lang, today=date(2026, 1, 1), beside=ids))
    assert rest.count("story-card") == 1 and html_escape(loose.text.get(lang)) in rest
    assert ("2 historie(r) vises under utfallet" if lang == "nb" else "2 story(ies) are shown under") in rest
    # an outcome not shown beside (not estimated) keeps its stories in the section
    part = str(cocreation_section(plan, lang, today=date(2026, 1, 1), beside=["activity_days"]))
    assert part.count("story-card") == 2  # loans_per_month's and the loose one


def html_escape(text: str) -> str:
    import html

    return html.escape(text)
