"""Privacy: identity-number detection, scans of rendered output, small-cell suppression, pseudonyms.

``valid_fnr`` checks Norwegian identity numbers; ``scan`` finds possible personal data in text,
reports, notebooks and tables; ``check_report`` raises :class:`PersonalDataError` when a report
contains any; ``mask_identifiers`` masks them in a message; ``suppress`` hides small cells (with secondary suppression); ``pseudonymise``
replaces identifiers by keyed hashes whose key never leaves the environment.
"""

from fou_analysis.privacy.fnr import synthetic_fnr, valid_fnr
from fou_analysis.privacy.pseudonym import key_from_env, normalise_id, pseudonymise
from fou_analysis.privacy.scan import Finding, PersonalDataError, check_report, mask_identifiers, scan
from fou_analysis.privacy.suppress import suppress

__all__ = [
    "Finding",
    "PersonalDataError",
    "check_report",
    "key_from_env",
    "mask_identifiers",
    "normalise_id",
    "pseudonymise",
    "scan",
    "suppress",
    "synthetic_fnr",
    "valid_fnr",
]
