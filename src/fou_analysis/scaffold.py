"""``fou new-case SLUG``: write a commented plan skeleton for a new initiative."""

from __future__ import annotations

import re
from pathlib import Path

from fou_analysis.config import Project
from fou_analysis.exceptions import SpecificationError

TEMPLATE = """\
# Measurement plan for {slug}. Fill in every field; `fou validate {slug}` lists what is missing.
# See cases/utstyrsbu.yaml, noen.yaml and friskgarden.yaml for complete examples.
slug: {slug}
name: {{nb: "{title}", en: "{title}"}}
summary: {{nb: "Hva tiltaket gjør, for hvem.", en: "What the initiative does, for whom."}}
sector: {{nb: "Sektor", en: "Sector"}}
municipality: "0000"        # 2024 municipality number
partners:
  - {{name: "Kommunen", kind: municipality, role: {{nb: "Rolle", en: "Role"}}}}
  - {{name: "Sosial entreprenør", kind: social_enterprise, role: {{nb: "Rolle", en: "Role"}}}}
period: {{start: 2024-01-01, end: 2025-12-31}}
logic_model:
  inputs: [{{nb: "Innsatsfaktorer", en: "Inputs"}}]
  activities: [{{nb: "Aktiviteter", en: "Activities"}}]
  outputs: [{{nb: "Resultater (antall)", en: "Outputs (counts)"}}]
  outcomes: [{{nb: "Effekter for brukerne", en: "Outcomes for users"}}]
raw:
  # one entry per delivered file in data/raw/{slug}/; format: csv | nettskjema | surveyxact | spss | jsonstat | ssb_csv | xlsx | parquet
  - {{id: survey_pre, path: survey_pre.csv, format: nettskjema, codebook: survey_elements.json}}
  - {{id: survey_post, path: survey_post.csv, format: nettskjema, codebook: survey_elements.json}}
tables:
  - id: survey
    recipe: survey_waves
    sources: [survey_pre, survey_post]
    params: {{waves: {{survey_pre: pre, survey_post: post}}, id: pseudonym}}
outcomes:
  - id: main_outcome
    label: {{nb: "utfall", en: "outcome"}}
    indicator: {{nb: "Hvordan det måles", en: "How it is measured"}}
    table: survey
    design: prepost          # prepost | did | event_study | staggered_did | synthetic_control | synthetic_did | its | weighting | survival
    args: {{outcome: score, subject: pseudonym, wave: wave, pre: pre, post: post}}
"""


def scaffold_case(project: Project, slug: str) -> Path:
    if not re.fullmatch(r"[a-z][a-z0-9_]{1,39}", slug):
        raise SpecificationError(
            f"case slug {slug!r} must be lowercase letters, digits or '_' (2–40 characters)"
        )
    path = project.case_file(slug)
    if path.exists():
        raise SpecificationError(f"{path} already exists; edit it instead")
    from fou_analysis import io

    path.parent.mkdir(parents=True, exist_ok=True)
    io.atomic_write_text(path, TEMPLATE.format(slug=slug, title=slug.replace("_", " ").title()))
    (project.raw_dir(slug)).mkdir(parents=True, exist_ok=True)
    return path
