"""Synthetic demo data for the seed cases, with documented planted effects.

``write_demo(root)`` writes ``data/raw/<case>/`` for Utstyrsbu, Noen and Friskgården in the
exact formats real sources export (lending log CSV, Nettskjema CSV + elements JSON, SurveyXact
dataset/structure/labels, a register extract, SSB JSON-stat), each with a README (Norwegian and
English) stating that the data are synthetic and what was planted. ``PLANTED`` holds the true
effects for tests; ``generate(case, seed)`` returns the same data in memory.

Everything is deterministic: the same seed gives byte-identical files. No real person is in
the data; pseudonyms are keyed hashes of running numbers.

Co-creation barometer answers (a Nettskjema export per case, ``barometer.csv`` with its
codebook, planted values in ``PLANTED_BAROMETER``) are part of every case's files;
``write_barometer(directory)`` writes them alone into another folder.
"""

from fou_analysis.demo.barometer import PLANTED_BAROMETER, barometer_files, write_barometer
from fou_analysis.demo.generate import CASES, DEFAULT_SEED, generate, render
from fou_analysis.demo.planted import PLANTED
from fou_analysis.demo.write import MARKER, DemoWriteResult, demo_sha256, recorded_files, write_demo

__all__ = [
    "CASES",
    "DEFAULT_SEED",
    "MARKER",
    "PLANTED",
    "PLANTED_BAROMETER",
    "barometer_files",
    "demo_sha256",
    "DemoWriteResult",
    "generate",
    "recorded_files",
    "render",
    "write_barometer",
    "write_demo",
]
