"""RFC 9457 problem details: one error shape, a stable `type` per kind of problem."""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_BASE = "https://guestid.dev/problems/"
PROBLEM_JSON = "application/problem+json"

log = structlog.get_logger(__name__)


class Problem(Exception):
    """An error a client can act on, rendered as problem+json."""

    def __init__(
        self,
        status: int,
        kind: str,
        title: str,
        detail: str | None = None,
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail or title)
        self.status = status
        self.kind = kind
        self.title = title
        self.detail = detail
        self.errors = errors
        self.headers = headers

    def body(self, instance: str | None = None) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "type": PROBLEM_BASE + self.kind,
            "title": self.title,
            "status": self.status,
        }
        if self.detail:
            doc["detail"] = self.detail
        if instance:
            doc["instance"] = instance
        if self.errors is not None:
            doc["errors"] = self.errors
        return doc


class ProblemDetails(BaseModel):
    """The body of every error response (RFC 9457), as published in the OpenAPI document."""

    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[dict[str, Any]] | None = None


def document_problems(openapi: dict[str, Any]) -> None:
    """Declare every operation's 4xx answers as problem+json, as the handlers below send them."""
    # FastAPI's default 422 (`HTTPValidationError`, application/json) describes a body this
    # service never sends, and responses declared by status alone carry no content at all.
    content = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}}
    for path_item in openapi.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for status, response in responses.items():
                if status.startswith("4"):
                    response["content"] = content
            responses.setdefault("4XX", {"description": "Problem details (RFC 9457)"})
            responses["4XX"]["content"] = content
    schemas = openapi.setdefault("components", {}).setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas["ProblemDetails"] = ProblemDetails.model_json_schema()


def not_found(what: str) -> Problem:
    """A 404 problem for a missing resource."""
    return Problem(404, "not-found", "Not found", f"{what} does not exist")


def validation_errors(
    errors: list[Any], prefix: tuple[str | int, ...] = ()
) -> list[dict[str, Any]]:
    """Pydantic errors as {pointer, message} items, without echoing input values."""
    out = []
    for err in errors:
        loc = (*prefix, *(p for p in err.get("loc", ()) if p != "body"))
        out.append(
            {
                "pointer": "/" + "/".join(str(p) for p in loc),
                "message": err.get("msg", "invalid"),
                "code": err.get("type", "invalid"),
            }
        )
    return out


def problem_response(problem: Problem, request: Request) -> JSONResponse:
    """Render a Problem."""
    return JSONResponse(
        problem.body(request.url.path),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=problem.headers,
    )


_HTTP_KINDS = {
    400: ("bad-request", "Bad request"),
    401: ("unauthorized", "Authentication required"),
    403: ("forbidden", "Forbidden"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    409: ("conflict", "Conflict"),
    413: ("payload-too-large", "Payload too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    422: ("validation", "Request is not valid"),
    429: ("rate-limited", "Too many requests"),
}


def install_error_handlers(app: FastAPI) -> None:
    """Every error leaves as problem+json; no stack trace reaches a client."""

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(exc, request)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = validation_errors(list(exc.errors()))
        malformed = any(e["code"] == "json_invalid" for e in errors)
        problem = Problem(
            400 if malformed else 422,
            "malformed-json" if malformed else "validation",
            "Malformed JSON" if malformed else "Request is not valid",
            errors=errors,
        )
        return problem_response(problem, request)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        kind, title = _HTTP_KINDS.get(exc.status_code, ("http-error", "HTTP error"))
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail != title else None
        headers = dict(exc.headers) if exc.headers else None
        problem = Problem(exc.status_code, kind, title, detail, headers=headers)
        return problem_response(problem, request)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled_error", path=request.url.path)
        problem = Problem(500, "internal", "Internal server error")
        return problem_response(problem, request)
