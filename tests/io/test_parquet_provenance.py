"""Atomic writers, parquet with provenance, hashing, and readers leaving raw files untouched."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pandas as pd
import pyarrow.parquet as pq
import pytest
from io_fixture_paths import FORMATS, NETTSKJEMA_CODEBOOK, NETTSKJEMA_CSV, SSB, SX, snapshot

import fou_analysis
from fou_analysis import DataError, io
from fou_analysis.io import parquet


def test_sha256_matches_hashlib():
    assert io.sha256(NETTSKJEMA_CSV) == hashlib.sha256(NETTSKJEMA_CSV.read_bytes()).hexdigest()
    with pytest.raises(DataError, match="nope.bin"):
        io.sha256(FORMATS / "nope.bin")


def test_provenance_record():
    prov = io.provenance([NETTSKJEMA_CSV, SX / "ex_survey2_semicolon_ansi"], parameters={"lang": "nb"})
    assert prov["version"] == fou_analysis.__version__
    assert prov["sources"][0] == {
        "path": str(NETTSKJEMA_CSV),
        "sha256": io.sha256(NETTSKJEMA_CSV),
        "bytes": NETTSKJEMA_CSV.stat().st_size,
    }
    assert prov["sources"][1]["files"] == 3
    assert prov["parameters"] == {"lang": "nb"}
    created = dt.datetime.fromisoformat(prov["created_utc"])
    assert created.utcoffset() == dt.timedelta(0)
    with pytest.raises(DataError, match="gone.csv"):
        io.provenance([FORMATS / "gone.csv"])


def test_reader_hash_equals_file_hash():
    df = io.read_nettskjema(NETTSKJEMA_CSV)
    assert df.attrs["fou"]["sha256"] == io.sha256(NETTSKJEMA_CSV)


def test_parquet_round_trip_with_provenance_and_labels(tmp_path):
    df = io.read_nettskjema(NETTSKJEMA_CSV, codebook=NETTSKJEMA_CODEBOOK)
    prov = io.provenance([NETTSKJEMA_CSV, NETTSKJEMA_CODEBOOK], parameters={"step": "clean"})
    out = io.write_parquet(df, tmp_path / "survey.parquet", provenance=prov)
    assert out == tmp_path / "survey.parquet"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["survey.parquet", "survey.provenance.json"]
    meta = pq.read_schema(out).metadata
    embedded = json.loads(meta[b"fou_provenance"])
    assert embedded == parquet.stable_provenance(prov, tmp_path)
    assert "created_utc" not in embedded and str(tmp_path) not in meta[b"fou_provenance"].decode()
    assert json.loads((tmp_path / "survey.provenance.json").read_text(encoding="utf-8")) == prov
    back = io.read_parquet(out)
    pd.testing.assert_frame_equal(back, df, check_like=False)
    assert back.attrs["fou"]["provenance"] == prov
    assert back.attrs["fou"]["labels"]["radio"] == {1: "Very happy!", -1: "Very unhappy!"}
    assert back.attrs["fou"]["checkbox"]["checkbox.events"] == ("checkbox", "events")
    assert back.attrs["fou"]["derived_from"]["source"] == str(NETTSKJEMA_CSV)
    assert io.apply_labels(back)["radio"].tolist()[0] == "Very happy!"


def test_failing_parquet_write_leaves_nothing(tmp_path, monkeypatch):
    df = pd.DataFrame({"x": [1, 2, 3]})

    def broken(table, where, **kw):
        with open(where, "wb") as fh:
            fh.write(b"PAR1 half a file")
        raise OSError("disk full")

    monkeypatch.setattr(pq, "write_table", broken)
    with pytest.raises(OSError, match="disk full"):
        io.write_parquet(df, tmp_path / "t.parquet", provenance={"a": 1})
    assert list(tmp_path.iterdir()) == []


def test_failing_write_keeps_previous_version(tmp_path, monkeypatch):
    target = tmp_path / "notes.txt"
    io.atomic_write_text(target, "versjon 1 – æøå")
    assert target.read_text(encoding="utf-8") == "versjon 1 – æøå"

    def boom(fd):
        raise OSError("fsync failed")

    monkeypatch.setattr("os.fsync", boom)
    with pytest.raises(OSError, match="fsync failed"):
        io.atomic_write_text(target, "versjon 2")
    assert target.read_text(encoding="utf-8") == "versjon 1 – æøå"
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_unserialisable_provenance_is_refused(tmp_path):
    from fou_analysis import SpecificationError

    with pytest.raises(SpecificationError):
        io.write_parquet(pd.DataFrame({"x": [1]}), tmp_path / "t.parquet", provenance={"f": object()})
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("path", "kw"),
    [
        (NETTSKJEMA_CSV, {"codebook": NETTSKJEMA_CODEBOOK}),
        (FORMATS / "nettskjema" / "legacy_2018_tab.txt", {}),
        (SX / "ex_survey2_comma_ansi", {}),
        (SX / "ex_survey2_split.xlsx", {}),
        (SSB / "dataset_05300.json", {}),
        (SSB / "kostra_label_style.csv", {}),
        (FORMATS / "spss" / "survey.sav", {}),
        (FORMATS / "spss" / "survey.dta", {}),
    ],
)
def test_readers_leave_raw_files_untouched(path, kw):
    folder = path if path.is_dir() else path.parent
    before = snapshot(folder)
    io.read_table(path, **kw)
    assert snapshot(folder) == before


def test_foreign_attrs_do_not_block_writing(tmp_path):
    df = pd.DataFrame({"x": [1, 2]})
    df.attrs["fou"] = {"source": "clean step", "warnings": ("a",), "labels": {"x": {1: object()}}}
    io.write_parquet(df, tmp_path / "t.parquet", provenance={"step": "clean"})
    back = io.read_parquet(tmp_path / "t.parquet")
    assert back["x"].tolist() == [1, 2]
    assert back.attrs["fou"]["provenance"] == {"step": "clean"}
    assert back.attrs["fou"]["labels"] == {}


def test_atomic_write_bytes_is_exported(tmp_path):
    io.atomic_write_bytes(tmp_path / "a.pkl", b"\x80\x04")
    assert (tmp_path / "a.pkl").read_bytes() == b"\x80\x04"


def test_parquet_bytes_do_not_depend_on_run_time_or_project_folder(tmp_path):
    """Reproducible runs (#9.8): same table + same inputs = same bytes, in any folder, at any time."""
    files = {}
    for where, when in (("a", "2026-01-01T00:00:00+00:00"), ("elsewhere/b", "2026-06-30T12:34:56+00:00")):
        project = tmp_path / where
        (project / "data" / "raw").mkdir(parents=True)
        (project / "data" / "processed").mkdir(parents=True)
        src = project / "data" / "raw" / "x.csv"
        src.write_text("a;b\n1;2\n", encoding="utf-8")
        df = pd.DataFrame({"a": [1], "b": [2.5]})
        df.attrs["fou"] = {"source": str(src), "sha256": io.sha256(src), "format": "csv"}
        prov = io.provenance([src], parameters={"table": "x"})
        prov["created_utc"] = when
        out = io.write_parquet(df, project / "data" / "processed" / "x.parquet", provenance=prov)
        files[where] = out.read_bytes()
        back = io.read_parquet(out)
        # the reader still sees the full record (sidecar) and the absolute source path
        assert back.attrs["fou"]["provenance"] == prov
        assert back.attrs["fou"]["derived_from"]["source"] == str(src)
        assert json.loads(parquet.sidecar_path(out).read_text(encoding="utf-8"))["created_utc"] == when
    assert files["a"] == files["elsewhere/b"]
    assert str(tmp_path).encode() not in files["a"]
    assert b"../raw/x.csv" in files["a"]


def test_a_sidecar_that_does_not_match_the_table_is_not_trusted(tmp_path):
    src = tmp_path / "x.csv"
    src.write_text("a\n1\n", encoding="utf-8")
    prov = io.provenance([src], parameters={"table": "x"})
    out = io.write_parquet(pd.DataFrame({"a": [1]}), tmp_path / "x.parquet", provenance=prov)
    parquet.sidecar_path(out).write_text(json.dumps({**prov, "parameters": {"table": "y"}}), encoding="utf-8")
    got = io.read_parquet(out).attrs["fou"]["provenance"]
    assert got == parquet.stable_provenance(prov, tmp_path) and got["parameters"] == {"table": "x"}
