"""Routes, authentication and authorisation of the serving API.

Every /v1 route needs `Authorization: Bearer <token>` (serving.api.tokens). Roles come from the app:
a farmer sees their own farms and digests; an FPO admin sees the farms and digests of their FPO's
members and their FPO's overview; a platform admin sees everything. Market data (forecasts, mandi
prices) is open to every signed-in user. A farm or farmer outside the caller's reach answers 404,
the same as one that does not exist, so ids cannot be probed. Errors are JSON: {"error": {"code", "message"}}.
"""


import datetime as dt
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI, Header, Path as PathParam, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from serving.api import tokens
from serving.api.db import NotPublished, ServingDB

MAX_PAGE = 100
ID = r"^[A-Za-z0-9_-]{1,40}$"


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str):
        self.status, self.code, self.message = status, code, message


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


class PriceForecast(BaseModel):
    mandi_code: str = Field(examples=["923"])
    commodity: str = Field(examples=["onion"])
    model: str = Field(examples=["lightgbm"])
    model_version: str
    trained_through: dt.date
    unit: str = "Rs/quintal"
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


ERRORS = {401: {"model": ErrorResponse, "description": "No or invalid token"},
          404: {"model": ErrorResponse, "description": "Not found, or not visible to the caller"},
          422: {"model": ErrorResponse, "description": "Invalid input"}}


def create_app(db_path: Path, secret: bytes) -> FastAPI:
    db = ServingDB(db_path)
    app = FastAPI(title="Hasiru Mitra serving API", version="1",
                  description="Advisories, price forecasts, mandi prices, FPO summaries and SMS digests for the "
                              "platform's services. Authenticate with `Authorization: Bearer <token>` "
                              "(`hasiru api-token --user-id ...`).")

    def query(sql: str, params: list) -> list[dict]:
        try:
            cur = db.cursor()
        except NotPublished as e:
            raise ApiError(503, "not_published", str(e)) from None
        try:
            cur.execute(sql, params)
            cols = [d[0] for d in cur.description]
            return [dict(zip(cols, row)) for row in cur.fetchall()]
        finally:
            cur.close()

    def principal(authorization: Annotated[str | None, Header(description="Bearer <token>")] = None) -> Principal:
        if not authorization or not authorization.startswith("Bearer "):
            raise ApiError(401, "unauthenticated", "send Authorization: Bearer <token>")
        try:
            user_id = tokens.verify(authorization.removeprefix("Bearer ").strip(), secret)
        except tokens.TokenError as e:
            raise ApiError(401, "invalid_token", str(e)) from None
        rows = query("select user_id, role, farmer_id, fpo_id from api_principals where user_id = ?", [user_id])
        if not rows:
            raise ApiError(401, "unknown_user", f"user {user_id} is not an active platform user")
        return Principal(**rows[0])

    Caller = Annotated[Principal, Depends(principal)]

    def visible_farms_filter(p: Principal) -> tuple[str, list]:
        if p.role == "platform_admin":
            return "true", []
        if p.role == "fpo_admin" and p.fpo_id:
            return "fpo_id = ?", [p.fpo_id]
        if p.role == "farmer" and p.farmer_id:
            return "farmer_id = ?", [p.farmer_id]
        return "false", []

    def can_see_farmer(p: Principal, farmer_id: str) -> bool:
        if p.role == "platform_admin":
            return True
        if p.role == "farmer":
            return p.farmer_id == farmer_id
        if p.role == "fpo_admin" and p.fpo_id:
            return bool(query("select 1 from api_farms where farmer_id = ? and fpo_id = ? limit 1", [farmer_id, p.fpo_id])
                        or query("select 1 from api_principals where farmer_id = ? and fpo_id = ?", [farmer_id, p.fpo_id]))
        return False

    @app.exception_handler(ApiError)
    async def api_error(_: Request, e: ApiError):
        return JSONResponse({"error": {"code": e.code, "message": e.message}}, status_code=e.status,
                            headers={"WWW-Authenticate": "Bearer"} if e.status == 401 else None)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, e: RequestValidationError):
        detail = "; ".join(f"{'.'.join(str(x) for x in err['loc'])}: {err['msg']}" for err in e.errors())
        return JSONResponse({"error": {"code": "invalid_input", "message": detail}}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, e: StarletteHTTPException):
        return JSONResponse({"error": {"code": "http_" + str(e.status_code), "message": str(e.detail)}}, status_code=e.status_code)

    @app.get("/healthz", tags=["meta"], summary="Liveness and the published version (no authentication)")
    def healthz() -> dict:
        try:
            return {"status": "ok", "version": db.version()}
        except NotPublished as e:
            raise ApiError(503, "not_published", str(e)) from None

    @app.get("/v1/farms/{farm_id}/advisories", response_model=FarmAdvisories, responses=ERRORS, tags=["advisories"],
             summary="The latest advisory of each type for a farm")
    def farm_advisories(caller: Caller, farm_id: Annotated[str, PathParam(pattern=ID)]) -> FarmAdvisories:
        where, params = visible_farms_filter(caller)
        if not query(f"select 1 from api_farms where farm_id = ? and {where}", [farm_id, *params]):
            raise ApiError(404, "not_found", f"farm {farm_id} not found")
        rows = query("select * exclude (farm_id) from api_advisories where farm_id = ? order by advisory_type", [farm_id])
        return FarmAdvisories(farm_id=farm_id, advisories=[{**r, "inputs": json.loads(r["inputs"] or "{}")} for r in rows])

    @app.get("/v1/farmers/{farmer_id}/farms", responses=ERRORS, tags=["advisories"], summary="A farmer's farms")
    def farmer_farms(caller: Caller, farmer_id: Annotated[str, PathParam(pattern=ID)]) -> list[dict]:
        if not can_see_farmer(caller, farmer_id):
            raise ApiError(404, "not_found", f"farmer {farmer_id} not found")
        return query("select farm_id, district, block_code, lat, lon, area_acres, soil_type, irrigation "
                     "from api_farms where farmer_id = ? order by farm_id", [farmer_id])

    @app.get("/v1/forecasts", response_model=PriceForecast, responses=ERRORS, tags=["markets"],
             summary="The champion model's modal-price forecast for a mandi and commodity, with 80 % and 95 % intervals")
    def forecasts(caller: Caller, mandi_code: Annotated[str, Query(pattern=ID, examples=["923"])],
                  commodity: Annotated[str, Query(pattern=ID, examples=["onion"])],
                  days: Annotated[int, Query(ge=1, le=30)] = 30) -> PriceForecast:
        rows = query("select * from api_price_forecasts where mandi_code = ? and commodity = ? order by forecast_date limit ?",
                     [mandi_code, commodity, days])
        if not rows:
            raise ApiError(404, "not_found", f"no forecast for {commodity} at mandi {mandi_code}")
        first = rows[0]
        return PriceForecast(mandi_code=mandi_code, commodity=commodity, model=first["model"], model_version=first["model_version"],
                             trained_through=first["trained_through"], points=[ForecastPoint(**r) for r in rows])

    @app.get("/v1/mandis/nearest", response_model=list[MandiPrice], responses=ERRORS, tags=["markets"],
             summary="Nearest mandis to a point with their latest prices")
    def nearest_mandis(caller: Caller, lat: Annotated[float, Query(ge=6, le=38, examples=[12.97])],
                       lon: Annotated[float, Query(ge=68, le=98, examples=[77.59])],
                       commodity: Annotated[str | None, Query(pattern=ID)] = None,
                       limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 10) -> list[MandiPrice]:
        # equirectangular distance: exact enough within a state, and cheap
        rows = query(f"""
            select *, 6371 * sqrt(pow(radians(lat - ?), 2) + pow(radians(lon - ?) * cos(radians(?)), 2)) as distance_km
            from api_mandi_latest_prices where {'commodity = ?' if commodity else 'true'}
            order by distance_km, mandi_code, commodity limit ?""",
                     [lat, lon, lat, *([commodity] if commodity else []), limit])
        return [MandiPrice(**{**r, "distance_km": round(r["distance_km"], 1)}) for r in rows]

    @app.get("/v1/fpos/{fpo_id}/summary", response_model=FpoSummary, responses=ERRORS, tags=["fpo"],
             summary="An FPO's members, crops, orders and certification (its admin or a platform admin)")
    def fpo_summary(caller: Caller, fpo_id: Annotated[str, PathParam(pattern=ID)]) -> FpoSummary:
        if not (caller.role == "platform_admin" or (caller.role == "fpo_admin" and caller.fpo_id == fpo_id)):
            raise ApiError(404, "not_found", f"FPO {fpo_id} not found")
        rows = query("select * from api_fpo_overview where fpo_id = ? order by crop_year desc, season, crop", [fpo_id])
        if not rows:
            raise ApiError(404, "not_found", f"FPO {fpo_id} not found")
        head = rows[0]
        clean = lambda v: None if isinstance(v, float) and math.isnan(v) else v  # noqa: E731
        return FpoSummary(**{k: clean(head[k]) for k in FpoSummary.model_fields if k != "crops"},
                          crops=[FpoCrop(**{k: clean(r[k]) for k in FpoCrop.model_fields}) for r in rows if r["crop"]])

    @app.get("/v1/farmers/{farmer_id}/digests", response_model=list[Digest], responses=ERRORS, tags=["sms"],
             summary="A farmer's recent SMS digests and alerts, newest first")
    def farmer_digests(caller: Caller, farmer_id: Annotated[str, PathParam(pattern=ID)],
                       limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 10) -> list[Digest]:
        if not can_see_farmer(caller, farmer_id):
            raise ApiError(404, "not_found", f"farmer {farmer_id} not found")
        rows = query("select * from api_digests where farmer_id = ? and status <> 'suppressed' "
                     "order by scheduled_at desc, message_id limit ?", [farmer_id, limit])
        return [Digest(**r) for r in rows]

    return app


def app_from_env() -> FastAPI:
    """The app for `uvicorn serving.api.app:app_from_env --factory` and `hasiru serve`."""
    from serving.publish import api_path

    return create_app(api_path(), tokens.secret_from_env())
