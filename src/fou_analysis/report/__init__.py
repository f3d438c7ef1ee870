"""Reports: papermill runner, nbconvert export, figure style, nb/en text, report sections and the
reviewer appendix (methods, references, provenance)."""

from fou_analysis.report.appendix import (
    appendix,
    methods_section,
    provenance,
    provenance_section,
    reference_list,
    references_section,
)
from fou_analysis.report.barometer import barometer_section
from fou_analysis.report.headlines import (
    about_case,
    first_screen,
    graded_effects_table,
    graded_outcome_box,
    graded_value_section,
    headline_summary,
    robustness_section,
)
from fou_analysis.report.html_safety import add_csp, style_table, table_html
from fou_analysis.report.sections import (
    Html,
    checks_summary,
    cleaning_details,
    cleaning_flow,
    cleaning_table,
    data_origin,
    data_origin_text,
    descriptive_section,
    descriptive_tables,
    diagnostics_details,
    diagnostics_table,
    header,
    logic_model_table,
    reliability_table,
    set_style,
)
from fou_analysis.report.text import fmt_nok, fmt_number, t

__all__ = [
    "Html",
    "about_case",
    "add_csp",
    "appendix",
    "barometer_section",
    "checks_summary",
    "cleaning_details",
    "cleaning_flow",
    "cleaning_table",
    "data_origin",
    "data_origin_text",
    "descriptive_section",
    "descriptive_tables",
    "diagnostics_details",
    "diagnostics_table",
    "fmt_nok",
    "fmt_number",
    "first_screen",
    "graded_effects_table",
    "graded_outcome_box",
    "graded_value_section",
    "headline_summary",
    "header",
    "logic_model_table",
    "methods_section",
    "provenance",
    "provenance_section",
    "reference_list",
    "references_section",
    "reliability_table",
    "robustness_section",
    "set_style",
    "style_table",
    "t",
    "table_html",
]
