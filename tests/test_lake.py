import pyarrow as pa
import pyarrow.compute as pc
import pytest

from lake import delta_io
from lake.catalog import LOAD_METADATA, SOURCE_FAMILIES, TableSpec, UnknownTableError, all_tables, quarantine_table, table

SPEC = TableSpec("bronze.test_prices", pa.schema([("mandi", pa.string()), ("day", pa.date32()), ("price", pa.float64())]),
                 "test table", ("day",), ("mandi", "day"))


def rows(mandis, day, prices):
    return pa.table({"mandi": mandis, "day": pa.array([day] * len(mandis), pa.date32()), "price": prices})


def test_every_table_is_declared_once_with_its_partition_and_key_columns():
    names = [t.name for t in all_tables()]
    assert len(names) == len(set(names))
    assert {n.split(".")[0] for n in names} == {"bronze", "ops", "silver", "gold"}
    for spec in all_tables(models=False):
        assert set(spec.partition_by + spec.key) <= set(spec.schema.names), spec.name
        if spec.layer == "bronze" and not spec.short_name.startswith("quarantine"):
            assert set(LOAD_METADATA.names) <= set(spec.schema.names), spec.name
    for s in SOURCE_FAMILIES:
        assert quarantine_table(s).source == s


def test_the_catalogue_holds_dbt_models_with_their_audience_and_personal_data():
    farmers, dim = table("silver.app__farmers"), table("gold.dim_farmer")
    assert farmers.schema is None and farmers.written_by.endswith("stg_app__farmers.sql")
    assert (farmers.audience, farmers.personal_data) == ("internal", True)
    assert (dim.audience, dim.personal_data) == ("analyst", False)
    assert dim.key == ("farmer_key",)
    # every table Python writes says who writes it; nothing an analyst reads holds personal data
    assert all(s.written_by for s in all_tables())
    assert not [s.name for s in all_tables() if s.audience == "analyst" and s.personal_data]
    with pytest.raises(ValueError, match="cannot be published to analysts"):
        TableSpec("gold.x", None, "", audience="analyst", personal_data=True)


def test_the_ingestion_sources_are_the_catalogues_families():
    from ingestion.sources import SOURCES

    assert set(SOURCES) == set(SOURCE_FAMILIES)
    for name, src in SOURCES.items():
        assert {table(t).source for t in src.targets} == {name}


def test_unknown_table_names_the_known_ones():
    with pytest.raises(UnknownTableError, match="bronze.mandi_prices"):
        table("bronze.no_such_table")


def test_replace_partition_is_idempotent_and_touches_only_its_partition(lake_env):
    import datetime as dt

    d1, d2 = dt.date(2026, 1, 1), dt.date(2026, 1, 2)
    delta_io.replace_partition(SPEC, rows(["a", "b"], d1, [1.0, 2.0]), day=d1)
    delta_io.replace_partition(SPEC, rows(["a"], d2, [3.0]), day=d2)
    delta_io.replace_partition(SPEC, rows(["a", "b"], d1, [1.5, 2.5]), day=d1)
    delta_io.replace_partition(SPEC, rows(["a", "b"], d1, [1.5, 2.5]), day=d1)
    got = delta_io.read_arrow(SPEC).sort_by([("day", "ascending"), ("mandi", "ascending")]).to_pydict()
    assert got["price"] == [1.5, 2.5, 3.0]
    # an empty replacement empties just that partition
    delta_io.replace_partition(SPEC, SPEC.schema.empty_table(), day=d2)
    assert delta_io.row_count(SPEC) == 2


def test_replace_refuses_rows_outside_the_partition(lake_env):
    import datetime as dt

    delta_io.replace_partition(SPEC, rows(["a"], dt.date(2026, 1, 1), [1.0]), day=dt.date(2026, 1, 1))
    from deltalake.exceptions import DeltaError

    with pytest.raises(DeltaError, match="failed validation"):  # delta-rs checks the replaceWhere predicate
        delta_io.replace_partition(SPEC, rows(["a"], dt.date(2026, 1, 9), [1.0]), day=dt.date(2026, 1, 1))
    assert delta_io.row_count(SPEC) == 1


def test_merge_updates_matching_keys_and_inserts_the_rest(lake_env):
    import datetime as dt

    d = dt.date(2026, 1, 1)
    delta_io.merge(SPEC, rows(["a", "b"], d, [1.0, 2.0]))
    delta_io.merge(SPEC, rows(["b", "c"], d, [20.0, 30.0]))
    got = dict(zip(*delta_io.read_arrow(SPEC, columns=["mandi", "price"]).to_pydict().values()))
    assert got == {"a": 1.0, "b": 20.0, "c": 30.0}
    with pytest.raises(delta_io.SchemaMismatch, match="duplicate keys"):
        delta_io.merge(SPEC, rows(["a", "a"], d, [1.0, 2.0]))


def test_writes_check_the_declared_schema(lake_env):
    with pytest.raises(delta_io.SchemaMismatch, match=r"missing columns \['price'\]"):
        delta_io.append(SPEC, pa.table({"mandi": ["a"], "day": pa.array([None], pa.date32())}))


def test_reads_as_arrow_and_duckdb_and_empty_before_first_write(lake_env):
    import datetime as dt

    import duckdb

    assert delta_io.read_arrow(SPEC).num_rows == 0
    delta_io.append(SPEC, rows(["a", "b"], dt.date(2026, 1, 1), [1.0, 2.0]))
    con = duckdb.connect()
    rel = delta_io.duckdb_relation(SPEC, con)
    assert rel.aggregate("sum(price)").fetchall() == [(3.0,)]
    assert delta_io.read_arrow(SPEC, filter=pc.field("mandi") == "b").num_rows == 1


def test_lake_uri_setting_is_validated(monkeypatch):
    from hasiru.config import ConfigError, settings

    monkeypatch.setenv("HASIRU_LAKE_URI", "ftp://nowhere")
    with pytest.raises(ConfigError, match="HASIRU_LAKE_URI"):
        settings()
    monkeypatch.setenv("HASIRU_LAKE_URI", "s3://bucket/lake/")
    assert settings().lake_uri == "s3://bucket/lake"


def test_concurrent_merges_into_a_new_table_keep_keys_unique(lake_env):
    import datetime as dt
    from concurrent.futures import ThreadPoolExecutor

    d = dt.date(2026, 1, 1)
    batches = [rows([f"m{i}", "shared"], d, [float(i), 100.0]) for i in range(6)]
    with ThreadPoolExecutor(6) as pool:
        list(pool.map(lambda b: delta_io.merge(SPEC, b), batches))
    got = delta_io.read_arrow(SPEC)
    assert sorted(got["mandi"].to_pylist()) == sorted([f"m{i}" for i in range(6)] + ["shared"])


def test_string_filters_work_on_duckdb_views_of_the_lake(lake_env):
    # DuckDB 2.0 pushes string filters into Arrow datasets as string_view literals that pyarrow cannot
    # compare (duckdb-python issue 187); the views must not take that path
    import datetime as dt

    import duckdb

    d = dt.date(2026, 1, 1)
    delta_io.replace_partition(SPEC, rows(["a", "b", "b"], d, [1.0, 2.0, 3.0]), day=d)
    con = duckdb.connect()
    delta_io.duckdb_relation(SPEC, con).create_view("prices")
    assert con.sql("select sum(price) from prices where mandi = 'b' and day = date '2026-01-01'").fetchall() == [(5.0,)]
