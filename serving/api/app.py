"""Routes, authentication and authorisation of the serving API.

Every /v1 route needs `Authorization: Bearer <token>` (serving.api.tokens). Roles come from the app:
a farmer sees their own farms and digests; an FPO admin sees the farms and digests of their FPO's
members and their FPO's overview; a platform admin sees everything. Market data (forecasts, mandi
prices) is open to every signed-in user. A farm or farmer outside the caller's reach answers 404,
the same as one that does not exist, so ids cannot be probed. Errors are JSON: {"error": {"code", "message"}}.
"""


import datetime as dt
import hashlib
import json
import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI, Path as PathParam, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles

from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from hasiru import sql_functions
from hasiru.config import env_int
from serving.api import docs_assets, tokens
from serving.api.db import NotPublished, ServingDB, Version
from serving.limits import Budget

log = logging.getLogger("hasiru.api")

MAX_PAGE = 100
ID = r"^[A-Za-z0-9_-]{1,40}$"


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, retry_after: int | None = None):
        self.status, self.code, self.message, self.retry_after = status, code, message, retry_after


@dataclass(frozen=True)
class Principal:
    user_id: str
    role: str
    farmer_id: str | None
    fpo_id: str | None


# --- response models (they document the API in /docs) ------------------------------------------

class Advisory(BaseModel):
    advisory_date: dt.date
    advisory_type: str = Field(examples=["irrigation"])
    severity: str = Field(examples=["high"])
    reason_code: str = Field(examples=["IRRIGATE"])
    amount_mm: float | None = Field(None, examples=[18.5])
    amount_litres_per_acre: float | None = None
    inputs: dict = Field(description="What the advice was computed from", examples=[{"et0_mm": 4.1, "kc": 1.05}])
    model_version: str = Field(examples=["irrigation-fao56-v1"])


class FarmAdvisories(BaseModel):
    farm_id: str = Field(examples=["FA0000001"])
    advisories: list[Advisory]


class ForecastPoint(BaseModel):
    forecast_date: dt.date
    horizon: int
    yhat: float
    lo80: float | None
    hi80: float | None
    lo95: float | None
    hi95: float | None


class ForecastAccuracy(BaseModel):
    """How the champion did on this series in rolling-origin backtests (days 1-30 ahead)."""
    chosen_because: str = Field(examples=["beat_naive_on_backtests"], description=(
        "beat_naive_on_backtests, naive_not_beaten, or the series rule that named the naive (short_series, "
        "constant_series, gappy_series, no_backtest_scores)"))
    mae_relative_to_naive: float | None = Field(examples=[0.93], description="backtest MAE / the last-price forecast's MAE")
    interval80_coverage: float | None = Field(examples=[0.81], description="share of backtest prices inside the 80 % interval")
    backtest_days: int = Field(examples=[240])
    interval_basis: str = Field(examples=["conformal"], description=(
        "conformal: intervals from this model's own backtest errors; random_walk: too few errors yet, the "
        "random walk's width from the series' daily volatility"))


class PriceForecast(BaseModel):
    mandi_code: str = Field(examples=["923"])
    commodity: str = Field(examples=["onion"])
    model: str = Field(examples=["lightgbm"])
    model_version: str
    trained_through: dt.date
    last_price_date: dt.date | None
    unit: str = "Rs/quintal"
    accuracy: ForecastAccuracy
    points: list[ForecastPoint]


class MandiPrice(BaseModel):
    mandi_code: str
    mandi_name: str
    district: str
    distance_km: float
    commodity: str
    arrival_date: dt.date
    modal_price_rs_per_qtl: float
    min_price_rs_per_qtl: float | None
    max_price_rs_per_qtl: float | None


class FpoCrop(BaseModel):
    crop_year: int | None
    season: str | None
    crop: str | None
    farms: int | None
    area_acres: float | None
    harvest_due_30d_acres: float | None
    next_harvest_date: dt.date | None


class FpoSummary(BaseModel):
    fpo_id: str
    fpo_name: str
    district: str
    members_active: int | None
    orders_30d: int | None
    revenue_30d_rs: float | None
    applications_certified: int | None
    applications_open: int | None
    applications_rejected: int | None
    crops: list[FpoCrop]


class Digest(BaseModel):
    message_id: str
    kind: str = Field(examples=["digest"])
    digest_date: dt.date
    language: str = Field(examples=["kn"])
    text: str
    segments: int
    status: str = Field(examples=["delivered"])
    scheduled_at: dt.datetime
    sent_at: dt.datetime | None
    delivered_at: dt.datetime | None


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorResponse(BaseModel):
    error: ErrorBody


NEAREST_DISTANCE = sql_functions.expression("distance_km", ":lat", ":lon", "lat", "lon")

ERRORS = {401: {"model": ErrorResponse, "description": "No or invalid token"},
          404: {"model": ErrorResponse, "description": "Not found, or not visible to the caller"},
          422: {"model": ErrorResponse, "description": "Invalid input"}}


def _covers(who: Principal, farmer_id: str, fpo_id: str | None) -> bool:
    """May `who` see the data of this farmer (a member of `fpo_id`)?"""
    if who.role == "platform_admin":
        return True
    if who.role == "farmer":
        return who.farmer_id is not None and who.farmer_id == farmer_id
    if who.role == "fpo_admin":
        return who.fpo_id is not None and who.fpo_id == fpo_id
    return False


RATE_PER_TOKEN = env_int("HASIRU_API_RATE_PER_TOKEN", minimum=1)  # requests a minute
RATE_PER_ADDRESS = env_int("HASIRU_API_RATE_PER_ADDRESS", minimum=1)


def create_app(db_path: Path, secret: bytes | list[bytes], *, rate_per_token: int = RATE_PER_TOKEN,
               rate_per_address: int = RATE_PER_ADDRESS) -> FastAPI:
    """`secret`: the signing key, or [signing key, previous key] while tokens of a rotated key are still out."""
    db = ServingDB(db_path)
    per_token, per_address = Budget(rate_per_token), Budget(rate_per_address)
    app = FastAPI(title="Hasiru Mitra serving API", version="1", docs_url=None, redoc_url=None,
                  description="Advisories, price forecasts, mandi prices, FPO summaries and SMS digests for the "
                              "platform's services. Authenticate with `Authorization: Bearer <token>` "
                              "(`hasiru api-token --user-id ...`; in /docs: Authorize, then paste the token).")
    # OpenAPI's bearer scheme, so /docs can send the token; auto_error=False: our own 401 body says what is wrong
    bearer = HTTPBearer(auto_error=False, scheme_name="token", bearerFormat="JWT",
                        description="A token from `hasiru api-token --user-id <user>`")

    def current() -> Version:
        try:
            v = db.current()
        except NotPublished as e:
            log.warning("%s", e)
            raise ApiError(503, "not_published", "no data published yet (run `hasiru publish`)") from None
        if v.lookups is None:
            log.warning("published version %s has no lookups file (serving/lookups.py)", v.version)
            raise ApiError(503, "not_published", "the published data predates this server's release (run `hasiru publish`)")
        return v

    @dataclass(frozen=True)
    class Call:
        """One request's view: the published version it reads and who is asking."""
        v: Version
        who: Principal

    def limit(budget: Budget, key: str, what: str) -> None:
        wait = budget.take(key)
        if wait:
            raise ApiError(429, "rate_limited", f"too many requests {what}; retry in {wait} s", retry_after=wait)

    async def authenticate(request: Request,
                           credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Call:
        limit(per_address, request.client.host if request.client else "?", "from this address")
        token = credentials.credentials if credentials else ""
        if not token.strip():
            raise ApiError(401, "unauthenticated", "send Authorization: Bearer <token>")
        limit(per_token, hashlib.sha256(token.strip().encode()).hexdigest(), "with this token")
        try:
            user_id = tokens.verify(token.strip(), secret)
        except tokens.TokenError as e:
            raise ApiError(401, "invalid_token", str(e)) from None
        v = current()
        found = v.principals.get(user_id)
        if found is None:
            raise ApiError(401, "unknown_user", f"user {user_id} is not an active platform user")
        return Call(v, Principal(user_id, *found))

    Caller = Annotated[Call, Depends(authenticate)]

    def can_see_farm(c: Call, farm_id: str) -> bool:
        owner = c.v.farm_owner.get(farm_id)
        return owner is not None and _covers(c.who, *owner)

    def can_see_farmer(c: Call, farmer_id: str) -> bool:
        return farmer_id in c.v.farmer_fpo and _covers(c.who, farmer_id, c.v.farmer_fpo[farmer_id])

    @app.exception_handler(ApiError)
    async def api_error(_: Request, e: ApiError):
        headers = {"WWW-Authenticate": "Bearer"} if e.status == 401 else {}
        if e.retry_after:
            headers["Retry-After"] = str(e.retry_after)
        return JSONResponse({"error": {"code": e.code, "message": e.message}}, status_code=e.status, headers=headers or None)

    @app.exception_handler(Exception)
    async def internal(request: Request, e: Exception):
        log.exception("%s %s failed", request.method, request.url.path)  # the detail stays in the server's log
        return JSONResponse({"error": {"code": "internal", "message": "internal error; it is logged on the server"}},
                            status_code=500)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, e: RequestValidationError):
        detail = "; ".join(f"{'.'.join(str(x) for x in err['loc'])}: {err['msg']}" for err in e.errors())
        return JSONResponse({"error": {"code": "invalid_input", "message": detail}}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, e: StarletteHTTPException):
        return JSONResponse({"error": {"code": "http_" + str(e.status_code), "message": str(e.detail)}}, status_code=e.status_code)

    docs = docs_assets.assets_dir()
    if docs_assets.missing() is None:
        app.mount("/docs-assets", StaticFiles(directory=docs), name="docs-assets")

    def docs_page(render) -> HTMLResponse:
        if (problem := docs_assets.missing()) is not None:
            raise ApiError(503, "docs_not_installed", problem)
        page = render()
        # this server's files only: ReDoc's footer logo would come from cdn.redoc.ly (unreachable offline)
        page.headers["Content-Security-Policy"] = docs_assets.CSP
        return page

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return docs_page(lambda: get_swagger_ui_html(
            openapi_url=app.openapi_url, title=f"{app.title} - Swagger UI",
            swagger_js_url=f"/docs-assets/swagger-ui-dist/{docs_assets.SWAGGER_JS}",
            swagger_css_url=f"/docs-assets/swagger-ui-dist/{docs_assets.SWAGGER_CSS}",
            swagger_favicon_url=f"/docs-assets/swagger-ui-dist/{docs_assets.FAVICON}",
            swagger_ui_parameters={"persistAuthorization": False, "tryItOutEnabled": False}))

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return docs_page(lambda: get_redoc_html(
            openapi_url=app.openapi_url, title=f"{app.title} - ReDoc", redoc_js_url=f"/docs-assets/redoc/{docs_assets.REDOC_JS}",
            redoc_favicon_url=f"/docs-assets/swagger-ui-dist/{docs_assets.FAVICON}", with_google_fonts=False))

    @app.get("/healthz", tags=["meta"], summary="Liveness and the published version (no authentication)")
    async def healthz() -> dict:
        try:
            db.current()
        except NotPublished:  # says what to do, not where the server keeps its files
            raise ApiError(503, "not_published", "no data published yet (run `hasiru publish`)") from None
        return {"status": "ok", "version": db.version()}

    @app.get("/v1/farms/{farm_id}/advisories", response_model=FarmAdvisories, responses=ERRORS, tags=["advisories"],
             summary="The latest advisory of each type for a farm")
    async def farm_advisories(c: Caller, farm_id: Annotated[str, PathParam(pattern=ID)]) -> FarmAdvisories:
        if not can_see_farm(c, farm_id):
            raise ApiError(404, "not_found", f"farm {farm_id} not found")
        rows = c.v.lookup("select advisory_date, advisory_type, severity, reason_code, amount_mm, amount_litres_per_acre, inputs, "
                          "model_version from api_advisories where farm_id = ? order by advisory_type", [farm_id])
        return FarmAdvisories(farm_id=farm_id, advisories=[{**r, "inputs": json.loads(r["inputs"] or "{}")} for r in rows])

    @app.get("/v1/farmers/{farmer_id}/farms", responses=ERRORS, tags=["advisories"], summary="A farmer's farms")
    async def farmer_farms(c: Caller, farmer_id: Annotated[str, PathParam(pattern=ID)]) -> list[dict]:
        if not can_see_farmer(c, farmer_id):
            raise ApiError(404, "not_found", f"farmer {farmer_id} not found")
        return c.v.lookup("select farm_id, district, block_code, lat, lon, area_acres, soil_type, irrigation "
                     "from api_farms where farmer_id = ? order by farm_id", [farmer_id])

    @app.get("/v1/forecasts", response_model=PriceForecast, responses=ERRORS, tags=["markets"],
             summary="The champion model's modal-price forecast for a mandi and commodity, with 80 % and 95 % intervals")
    async def forecasts(c: Caller, mandi_code: Annotated[str, Query(pattern=ID, examples=["923"])],
                  commodity: Annotated[str, Query(pattern=ID, examples=["onion"])],
                  days: Annotated[int, Query(ge=1, le=30)] = 30) -> PriceForecast:
        rows = c.v.lookup("select * from api_price_forecasts where mandi_code = ? and commodity = ? order by forecast_date",
                     [mandi_code, commodity])[:days]
        if not rows:
            raise ApiError(404, "not_found", f"no forecast for {commodity} at mandi {mandi_code}")
        first = rows[0]
        nan_none = lambda v: None if v is None or v != v else float(v)  # noqa: E731
        accuracy = ForecastAccuracy(chosen_because=first["champion_reason"] or "unknown",
                                    mae_relative_to_naive=nan_none(first["backtest_rel_mae_naive"]),
                                    interval80_coverage=nan_none(first["backtest_coverage80"]),
                                    backtest_days=first["backtest_days"] or 0,
                                    interval_basis=first["interval_basis"] or "unknown")
        return PriceForecast(mandi_code=mandi_code, commodity=commodity, model=first["model"], model_version=first["model_version"],
                             trained_through=first["trained_through"], last_price_date=first["last_price_date"],
                             accuracy=accuracy, points=[ForecastPoint(**r) for r in rows])

    @app.get("/v1/mandis/nearest", response_model=list[MandiPrice], responses=ERRORS, tags=["markets"],
             summary="Nearest mandis to a point with their latest prices")
    async def nearest_mandis(c: Caller, lat: Annotated[float, Query(ge=6, le=38, examples=[12.97])],
                       lon: Annotated[float, Query(ge=68, le=98, examples=[77.59])],
                       commodity: Annotated[str | None, Query(pattern=ID)] = None,
                       limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 10) -> list[MandiPrice]:
        # distance_km: the platform's one distance (dbt/macros/distance_km.sql), rendered for SQLite
        rows = c.v.lookup(f"""
            select *, {NEAREST_DISTANCE} as distance_km
            from api_mandi_latest_prices where {'commodity = :commodity' if commodity else '1'}
            order by distance_km, mandi_code, commodity limit :limit""",
                          {"lat": lat, "lon": lon, "commodity": commodity, "limit": limit})
        return [MandiPrice(**{**r, "distance_km": round(r["distance_km"], 1)}) for r in rows]

    @app.get("/v1/fpos/{fpo_id}/summary", response_model=FpoSummary, responses=ERRORS, tags=["fpo"],
             summary="An FPO's members, crops, orders and certification (its admin or a platform admin)")
    async def fpo_summary(c: Caller, fpo_id: Annotated[str, PathParam(pattern=ID)]) -> FpoSummary:
        if not (c.who.role == "platform_admin" or (c.who.role == "fpo_admin" and c.who.fpo_id == fpo_id)):
            raise ApiError(404, "not_found", f"FPO {fpo_id} not found")
        rows = c.v.lookup("select * from api_fpo_overview where fpo_id = ? "
                          "order by crop_year desc nulls last, season nulls last, crop nulls last", [fpo_id])
        if not rows:
            raise ApiError(404, "not_found", f"FPO {fpo_id} not found")
        head = rows[0]
        clean = lambda v: None if isinstance(v, float) and math.isnan(v) else v  # noqa: E731
        return FpoSummary(**{k: clean(head[k]) for k in FpoSummary.model_fields if k != "crops"},
                          crops=[FpoCrop(**{k: clean(r[k]) for k in FpoCrop.model_fields}) for r in rows if r["crop"]])

    @app.get("/v1/farmers/{farmer_id}/digests", response_model=list[Digest], responses=ERRORS, tags=["sms"],
             summary="A farmer's recent SMS digests and alerts, newest first")
    async def farmer_digests(c: Caller, farmer_id: Annotated[str, PathParam(pattern=ID)],
                       limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 10) -> list[Digest]:
        if not can_see_farmer(c, farmer_id):
            raise ApiError(404, "not_found", f"farmer {farmer_id} not found")
        rows = c.v.lookup("select * from api_digests where farmer_id = ? order by scheduled_at desc, message_id limit ?",
                          [farmer_id, limit])
        return [Digest(**r) for r in rows]

    return app


def app_from_env() -> FastAPI:
    """The app for `uvicorn serving.api.app:app_from_env --factory` and `hasiru serve`."""
    from serving.publish import api_path

    return create_app(api_path(), tokens.keys_from_env())
