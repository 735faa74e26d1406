"""Delta Lake's jars for Spark, fetched once at set-up from Maven Central, verified, and kept in the
virtualenv, so a Spark session later starts without network.

Pinned: delta-spark 4.4.0 for Spark 4.2 / Scala 2.13 (4.4.1, the newest pip release, has no jars on
Maven Central; the pip package is pinned to 4.4.0 to match). Only the two Delta jars are needed:
everything they depend on (Hadoop, Parquet, Jackson) is already in pyspark's own jars, newer, and
adding Ivy's older copies beside them would put two versions of a class on one classpath.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from hasiru.config import env
from hasiru.downloads import DownloadRefused, fetch_verified

MAVEN_URL = "https://repo1.maven.org/maven2"


@dataclass(frozen=True)
class Jar:
    group: str
    artifact: str
    version: str
    sha256: str

    @property
    def file_name(self) -> str:
        return f"{self.artifact}-{self.version}.jar"

    def url(self, repo: str) -> str:
        return f"{repo.rstrip('/')}/{self.group.replace('.', '/')}/{self.artifact}/{self.version}/{self.file_name}"


DELTA_JARS = (
    Jar("io.delta", "delta-spark_4.2_2.13", "4.4.0", "27d4fd8b1f879535c573ed1c718177d6a27f24d3e626ba02e216369725721ead"),
    Jar("io.delta", "delta-storage", "4.4.0", "c46735481fa8e326b0957be02b4420cbcab4b325bb08009b7f2045a95133f1cc"),
)


class JarsMissing(RuntimeError):
    """Delta's jars are not provisioned; the message says how to get them."""


def jars_dir() -> Path:
    """HASIRU_SPARK_JARS_DIR, or <virtualenv>/share/hasiru/spark-jars (next to the pyspark they match)."""
    return Path(env("HASIRU_SPARK_JARS_DIR") or Path(sys.prefix) / "share" / "hasiru" / "spark-jars")


def provision(repo: str | None = None, log=print) -> list[Path]:
    """Download any missing or damaged jar; a second run checks the digests and downloads nothing."""
    repo = repo or env("HASIRU_MAVEN_URL", MAVEN_URL)
    try:
        return [fetch_verified(jar.url(repo), jars_dir() / jar.file_name, jar.sha256, log=lambda m: log(f"spark jars: {m}"))
                for jar in DELTA_JARS]
    except DownloadRefused as e:
        raise JarsMissing(str(e)) from None


def installed() -> list[Path]:
    """The provisioned jars, or JarsMissing naming the set-up step."""
    paths = [jars_dir() / jar.file_name for jar in DELTA_JARS]
    missing = [p.name for p in paths if not p.exists()]
    if missing:
        raise JarsMissing(f"Delta jars {missing} are not in {jars_dir()}: run `bash scripts/setup.sh` "
                          "(or `.venv/bin/python -m spark_jobs.jars`) once with access to Maven Central")
    return paths


if __name__ == "__main__":
    for p in provision():
        print(p)
