import duckdb
import pandas as pd
import pytest

from valuekit.errors import NotFoundError, SchemaError, StoreError
from valuekit.schemas import TABLES
from valuekit.store import SCHEMA_VERSION, Store


def _pseudonymised(store: Store, tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    out = {}
    for name, df in tables.items():
        df = df.copy()
        if "participant_id" in df:
            df["participant_id"] = store.pseudonymise(df["participant_id"], df["relationship_id"]).to_numpy()
        out[name] = df
    return out


def test_write_is_idempotent(tmp_path, tiny_tables):
    with Store(tmp_path / "s.duckdb") as store:
        tables = _pseudonymised(store, tiny_tables)
        first = store.write(tables).set_index("table")
        again = store.write(tables).set_index("table")
    assert first.loc["responses", "inserted"] == 6
    assert (again["inserted"] == 0).all()
    assert again.loc["responses", "unchanged"] == 6


def test_conflicting_write_changes_nothing(tmp_path, tiny_tables):
    with Store(tmp_path / "s.duckdb") as store:
        store.write(_pseudonymised(store, tiny_tables))
        before = {t: store.read(t) for t in TABLES}
        changed = _pseudonymised(store, tiny_tables)
        changed["responses"].loc[0, "rating"] = 5
        # a new relationship in the same write must not land either: one transaction
        extra = changed["relationships"].assign(relationship_id="other")
        changed["relationships"] = pd.concat([changed["relationships"], extra])
        with pytest.raises(StoreError, match="already stored with different values"):
            store.write(changed)
        for t in TABLES:
            pd.testing.assert_frame_equal(store.read(t), before[t])


def test_replace_overwrites_the_relationship(tmp_path, tiny_tables):
    with Store(tmp_path / "s.duckdb") as store:
        store.write(_pseudonymised(store, tiny_tables))
        changed = _pseudonymised(store, tiny_tables)
        changed["responses"] = changed["responses"].iloc[:2]
        store.write(changed, replace=True)
        assert len(store.read("responses")) == 2


def test_invalid_rows_are_refused_with_the_column_named(tmp_path, tiny_tables):
    bad = dict(tiny_tables)
    bad["responses"] = bad["responses"].assign(rating=pd.array([2, 1, 7, None, 4, 5], dtype="Int64"))
    with Store(tmp_path / "s.duckdb") as store:
        with pytest.raises(SchemaError, match="rating"):
            store.write(bad)
        assert store.tables()["rows"].sum() == 0


def test_pseudonyms_are_salted_per_store_and_relationship(tmp_path):
    a, b = Store(tmp_path / "a.duckdb"), Store(tmp_path / "b.duckdb")
    pa_ = a.pseudonymise(["alice", "bob"], "r1")
    assert list(pa_) == list(a.pseudonymise(["alice", "bob"], "r1"))
    assert list(pa_) != list(b.pseudonymise(["alice", "bob"], "r1"))
    assert list(pa_) != list(a.pseudonymise(["alice", "bob"], "r2"))
    assert all(p.startswith("p_") and "alice" not in p for p in pa_)
    # already-pseudonymous ids are kept, so export → import round-trips
    assert list(a.pseudonymise(pa_, "r1")) == list(pa_)
    # the salt survives reopening
    path = a.path
    a.close()
    with Store(path) as again:
        assert list(again.pseudonymise(["alice", "bob"], "r1")) == list(pa_)
    b.close()


def test_export_then_import_gives_the_same_data(tmp_path, tiny_tables):
    with Store(tmp_path / "s.duckdb") as store:
        store.write(_pseudonymised(store, tiny_tables))
        store.export(tmp_path / "csv")
        store.export(tmp_path / "pq", fmt="parquet")
        original = {t: store.read(t) for t in TABLES}
        fp = store.fingerprint()
    for folder, reader in (("csv", pd.read_csv), ("pq", pd.read_parquet)):
        with Store(tmp_path / f"{folder}.duckdb") as other:
            other.write(
                {
                    t: reader(tmp_path / folder / f"{t}.{'csv' if folder == 'csv' else 'parquet'}")
                    for t in TABLES
                }
            )
            for t in TABLES:
                pd.testing.assert_frame_equal(other.read(t), original[t], check_dtype=True)
            assert other.fingerprint() == fp


def test_fingerprint_changes_with_the_data(tmp_path, tiny_tables):
    with Store(tmp_path / "s.duckdb") as store:
        store.write(_pseudonymised(store, tiny_tables))
        fp = store.fingerprint("tiny")
        assert fp == store.fingerprint("tiny")
        t = _pseudonymised(store, tiny_tables)
        t["responses"].loc[0, "rating"] = 1
        store.write(t, replace=True)
        assert store.fingerprint("tiny") != fp


def test_read_only_store_must_exist(tmp_path):
    with pytest.raises(StoreError, match="no store at"):
        Store(tmp_path / "missing.duckdb", read_only=True)


def test_store_from_newer_valuekit_is_refused(tmp_path):
    path = tmp_path / "s.duckdb"
    Store(path).close()
    con = duckdb.connect(str(path))
    con.execute("UPDATE valuekit_meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION + 1)])
    con.close()
    with pytest.raises(StoreError, match="newer valuekit"):
        Store(path)


def test_store_from_unknown_older_schema_says_what_to_do(tmp_path):
    path = tmp_path / "s.duckdb"
    Store(path).close()
    con = duckdb.connect(str(path))
    con.execute("UPDATE valuekit_meta SET value = '0' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(StoreError, match="re-import"):
        Store(path)


def test_not_a_valuekit_store(tmp_path):
    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE x (a INT)")
    con.close()
    with pytest.raises(StoreError, match="not a valuekit store"):
        Store(path)


def test_unknown_relationship_lists_what_exists(tmp_path, tiny_tables):
    with Store(tmp_path / "s.duckdb") as store:
        store.write(_pseudonymised(store, tiny_tables))
        with pytest.raises(NotFoundError, match="available: tiny"):
            store.require_relationship("nope")
        with pytest.raises(NotFoundError, match="available: resolve"):
            store.require_cycle("tiny", "solve")


def test_info_counts(tmp_path, tiny_tables):
    with Store(tmp_path / "s.duckdb") as store:
        store.write(_pseudonymised(store, tiny_tables))
        info = store.info()
    row = info.iloc[0]
    assert (row["invited"], row["responded"], row["responses"], row["comments"]) == (4, 3, 6, 1)
