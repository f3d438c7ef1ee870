def test_log_speaks_norwegian_where_given_and_falls_back_to_english():
    from fou_analysis.clean import CleaningLog

    log = CleaningLog()
    log.add(
        "a.csv",
        "drop test submissions",
        rows_in=3,
        rows_out=2,
        reason="marked TEST",
        step_nb="fjern testsvar",
        reason_nb="merket TEST",
    )
    log.add("a.csv", "range check", rows_in=2, rows_out=2, reason="outside 0-7")
    nb, en = log.to_frame("nb"), log.to_frame("en")
    assert nb["step"].tolist() == ["fjern testsvar", "range check"]
    assert nb["reason"].tolist() == ["merket TEST", "outside 0-7"]
    assert en["step"].tolist() == ["drop test submissions", "range check"]
    assert (
        nb[["rows_in", "rows_out", "dropped"]].to_numpy() == en[["rows_in", "rows_out", "dropped"]].to_numpy()
    ).all()
