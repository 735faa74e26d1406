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


# s3a:// for a lake on S3 (optional: the AWS SDK bundle is 686 MB; `bash scripts/setup.sh --spark-s3`).
# hadoop-aws matches pyspark's own hadoop-client 3.5.0; the SDK and the analytics stream are the versions
# its POM (hadoop-project 3.5.0) declares. SHA-256 computed here; the SHA-1s agree with Maven Central's.
S3_JARS = (
    Jar("org.apache.hadoop", "hadoop-aws", "3.5.0", "66bd9eefb938b1a1657487324b63c13df2d8b17164a1dd24e0ef37b905bc5baa"),
    Jar("software.amazon.awssdk", "bundle", "2.35.4", "db4b55f24ad1b4e70f17eb1717a4de76a8dadc5a27d764be7c44ff67b2c1c677"),
    Jar("software.amazon.s3.analyticsaccelerator", "analyticsaccelerator-s3", "1.3.1",
        "4959a9747cbb479c73c3ffbcd479bee5b014f8b2880994585a8693fb9d24675e"),
)


class JarsMissing(RuntimeError):
    """Delta's jars are not provisioned; the message says how to get them."""


def jars_dir() -> Path:
    """HASIRU_SPARK_JARS_DIR, or <virtualenv>/share/hasiru/spark-jars (next to the pyspark they match)."""
    return Path(env("HASIRU_SPARK_JARS_DIR") or Path(sys.prefix) / "share" / "hasiru" / "spark-jars")


def provision(repo: str | None = None, log=print, s3: bool = False) -> list[Path]:
    """Download any missing or damaged jar (with `s3`, the s3a:// ones too); a second run checks the
    digests and downloads nothing."""
    repo = repo or env("HASIRU_MAVEN_URL", MAVEN_URL)
    try:
        return [fetch_verified(jar.url(repo), jars_dir() / jar.file_name, jar.sha256, log=lambda m: log(f"spark jars: {m}"))
                for jar in DELTA_JARS + (S3_JARS if s3 else ())]
    except DownloadRefused as e:
        raise JarsMissing(str(e)) from None


def installed(s3: bool = False) -> list[Path]:
    """The provisioned jars (with `s3`, the s3a:// ones too), or JarsMissing naming the set-up step."""
    paths = [jars_dir() / jar.file_name for jar in DELTA_JARS]
    missing = [p.name for p in paths if not p.exists()]
    if missing:
        raise JarsMissing(f"Delta jars {missing} are not in {jars_dir()}: run `bash scripts/setup.sh` "
                          "(or `.venv/bin/python -m spark_jobs.jars`) once with access to Maven Central")
    if s3:
        s3_paths = [jars_dir() / jar.file_name for jar in S3_JARS]
        missing = [p.name for p in s3_paths if not p.exists()]
        if missing:
            raise JarsMissing(f"the lake is on S3 but Spark's s3a jars {missing} are not in {jars_dir()}: run "
                              "`bash scripts/setup.sh --spark-s3` (or `.venv/bin/python -m spark_jobs.jars --s3`) once "
                              "with access to Maven Central (the AWS SDK bundle is 686 MB), or give your own in HASIRU_SPARK_EXTRA_JARS")
        paths += s3_paths
    return paths


if __name__ == "__main__":
    for p in provision(s3="--s3" in sys.argv[1:]):
        print(p)
