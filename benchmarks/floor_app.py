"""The floor for the API benchmark: the same server stack (uvicorn + FastAPI, one worker) answering a
constant JSON body, with no authentication and no database."""

from fastapi import FastAPI

app = FastAPI()
BODY = {"farm_id": "FA0000001", "advisories": [{"advisory_type": "irrigation", "severity": "medium", "reason_code": "IRRIGATE"}]}


@app.get("/healthz")
def healthz() -> dict:
    return {"status": "ok"}


@app.get("/v1/constant")
def constant() -> dict:
    return BODY
