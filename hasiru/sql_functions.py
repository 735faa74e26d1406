"""SQL functions shared by dbt and the DuckDB connections outside it (digests, the serving API, the FPO app).

Each is defined once, as a dbt macro in `dbt/macros/`; here the macro's text is rendered with jinja
(the same engine dbt uses) into a DuckDB `CREATE MACRO`, so a rule such as distance is never restated.
"""

from __future__ import annotations

from functools import cache

import duckdb
import jinja2

from hasiru.config import REPO_ROOT

MACROS = REPO_ROOT / "dbt" / "macros"
# name -> its parameters, in the dbt macro's order
FUNCTIONS: dict[str, tuple[str, ...]] = {"distance_km": ("lat1", "lon1", "lat2", "lon2")}


@cache
def body(name: str) -> str:
    """The dbt macro rendered with its own parameter names: the SQL expression."""
    return expression(name, *FUNCTIONS[name])


def expression(name: str, *args: str) -> str:
    """The dbt macro rendered with the given argument expressions (for an engine without SQL macros, such as
    the serving API's SQLite lookups): the same rule, spelled out inline."""
    template = jinja2.Environment(autoescape=False).from_string((MACROS / f"{name}.sql").read_text(encoding="utf-8"))
    return str(getattr(template.module, name)(*args)).strip()


def statements() -> list[str]:
    return [f"create or replace macro {name}({', '.join(params)}) as {body(name)}" for name, params in FUNCTIONS.items()]


def install(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Define every shared function on `con` (in a file being built, they are stored with it)."""
    for sql in statements():
        con.execute(sql)
    return con
