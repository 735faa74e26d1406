"""The FPO app as served (`hasiru fpo-app` runs `streamlit run` on this file): the Streamlit app of
app.py, with Streamlit's own Prometheus endpoint closed to the public. It counts sessions and cache
use of every manager; only a scraper holding HASIRU_FPO_APP_METRICS_TOKEN may read it."""

import hmac
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root, when run by `streamlit run`

import streamlit as st  # noqa: E402

from hasiru.config import env  # noqa: E402

from starlette.middleware import Middleware  # noqa: E402
from starlette.responses import JSONResponse  # noqa: E402

PRIVATE = ("/_stcore/metrics",)


class PrivateRoutes:
    """ASGI middleware: 404 for the private routes unless `Authorization: Bearer <metrics token>`."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["path"].rstrip("/").endswith(PRIVATE):
            token = env("HASIRU_FPO_APP_METRICS_TOKEN") or ""
            sent = dict(scope.get("headers") or []).get(b"authorization", b"").decode("latin-1")
            if not token or not hmac.compare_digest(sent, f"Bearer {token}"):
                await JSONResponse({"error": "not found"}, status_code=404)(scope, receive, send)
                return
        await self.app(scope, receive, send)


app = st.App(Path(__file__).with_name("app.py"), middleware=[Middleware(PrivateRoutes)])
