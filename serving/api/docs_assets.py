"""Swagger UI and ReDoc for the API's /docs and /redoc, served by the API itself (no CDN: the
advisory services' machines and this one may have no internet).

Fetched once at set-up from the npm registry (pinned versions, SHA-256 checked, like Spark's jars) and
kept in the virtualenv; `python -m serving.api.docs_assets` does it alone. Without them the API still
serves every /v1 route and /openapi.json; /docs answers 503 naming the set-up step.
"""

from __future__ import annotations

import io
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

from hasiru.config import env
from hasiru.downloads import fetch_verified

NPM_URL = "https://registry.npmjs.org"


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    sha256: str  # of the registry's .tgz
    files: tuple[str, ...]  # members kept, relative to the package root

    def url(self, registry: str) -> str:
        return f"{registry.rstrip('/')}/{self.name}/-/{self.name.split('/')[-1]}-{self.version}.tgz"


PACKAGES = (
    Package("swagger-ui-dist", "5.35.0", "1b8e891893404ea4c3558b6a87e2a3e494e7eedba41168c2ece5800a391a6ea6",
            ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png", "LICENSE")),
    # ReDoc 2.x: 3.0's standalone bundle is an ES module (import.meta), which FastAPI's classic <script> cannot load
    Package("redoc", "2.5.4", "44922df4d0eb45c1b066c09ec251e6bd9bd7ded16bc69e87613337b9d911a56e",
            ("bundles/redoc.standalone.js", "LICENSE")),
)
SWAGGER_JS, SWAGGER_CSS, FAVICON = "swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"
REDOC_JS = "redoc.standalone.js"
# the docs pages load from this server alone (FastAPI's pages start the viewers with an inline script; ReDoc
# renders in a blob: worker)
CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "worker-src 'self' blob:; font-src 'self' data:")


def assets_dir() -> Path:
    """HASIRU_API_DOCS_DIR, or <virtualenv>/share/hasiru/api-docs."""
    return Path(env("HASIRU_API_DOCS_DIR") or Path(sys.prefix) / "share" / "hasiru" / "api-docs")


def provision(registry: str | None = None, log=print) -> Path:
    """Fetch and unpack any missing asset; a second run finds them and fetches nothing."""
    registry = registry or env("HASIRU_NPM_URL", NPM_URL)
    target = assets_dir()
    for pkg in PACKAGES:
        wanted = {f: target / pkg.name.split("/")[-1] / Path(f).name for f in pkg.files}
        if all(p.exists() for p in wanted.values()):
            continue
        tgz = fetch_verified(pkg.url(registry), target / ".cache" / f"{pkg.name.split('/')[-1]}-{pkg.version}.tgz",
                             pkg.sha256, log=lambda m: log(f"api docs: {m}"))
        with tarfile.open(fileobj=io.BytesIO(tgz.read_bytes()), mode="r:gz") as tar:
            for member, dest in wanted.items():
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(tar.extractfile(f"package/{member}").read())
        tgz.unlink()  # only the files kept are needed
    return target


def missing() -> str | None:
    """None when /docs and /redoc can be served, else what to run."""
    need = [assets_dir() / "swagger-ui-dist" / SWAGGER_JS, assets_dir() / "redoc" / REDOC_JS]
    if all(p.exists() for p in need):
        return None
    return f"the API docs' assets are not in {assets_dir()}: run `bash scripts/setup.sh` (or `python -m serving.api.docs_assets`)"


if __name__ == "__main__":
    print(provision())
