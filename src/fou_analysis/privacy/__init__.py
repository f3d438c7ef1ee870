"""Privacy: identity-number detection, scans of rendered output, small-cell suppression, pseudonyms.

``valid_fnr`` checks Norwegian identity numbers; ``scan`` finds possible personal data in text,
reports, notebooks and tables; ``check_report`` raises :class:`PersonalDataError` when a report
contains any; ``mask_identifiers`` masks them in a message; ``suppress`` hides small cells (with secondary suppression checked by
``audit_suppression``, a linear-programming audit of what the published cells give away);
``suppress_flow`` does the same for a rows-in/dropped/rows-out flow table; ``pseudonymise``
replaces identifiers by keyed hashes whose key never leaves the environment.
"""

from fou_analysis.privacy.audit import TOTAL_LABELS, audit_suppression, is_total_label
from fou_analysis.privacy.flow import suppress_flow
from fou_analysis.privacy.fnr import synthetic_fnr, valid_fnr
from fou_analysis.privacy.pseudonym import key_from_env, normalise_id, pseudonymise
from fou_analysis.privacy.scan import Finding, PersonalDataError, check_report, mask_identifiers, scan
from fou_analysis.privacy.suppress import suppress

__all__ = [
    "TOTAL_LABELS",
    "Finding",
    "audit_suppression",
    "PersonalDataError",
    "check_report",
    "is_total_label",
    "key_from_env",
    "mask_identifiers",
    "normalise_id",
    "pseudonymise",
    "scan",
    "suppress",
    "suppress_flow",
    "synthetic_fnr",
    "valid_fnr",
]
