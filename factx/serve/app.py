"""The ASGI app of `factx serve`: the JSON API over one engine, and the page at `/`.

Extraction runs in worker threads, off the event loop, so that the server keeps
answering while it extracts; the engine holds no per-document state and is
shared by them all.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

import anyio
from pydantic import TypeAdapter, ValidationError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route

from factx import Document, Engine, Problem, Result, __version__
from factx.highlight import asset, fill
from factx.serve.models import ExplainRequest, ExtractRequest, answer_models
from factx.serve.openapi import openapi_document
from factx.summaries import candidate_rows, plugin_rows

T = TypeVar("T")

# The page needs nothing but itself and this server: no other origin can be reached from it.
PAGE_POLICY = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:"
EXTRACT_ONE = TypeAdapter(ExtractRequest)
EXTRACT_MANY = TypeAdapter(list[ExtractRequest])
EXPLAIN = TypeAdapter(ExplainRequest)


@dataclass(frozen=True)
class Limits:
    """What one request may ask of the server."""

    max_body: int = 10 * 2**20  # bytes of request body
    max_chars: int = 1_000_000  # characters in one document
    timeout: float = 30.0  # seconds from a request's arrival to its answer
    threads: int = 4  # extractions running at once in one process


class ApiError(Exception):
    """A request refused: its HTTP status and the problems to answer with."""

    def __init__(self, status: int, problems: list[Problem]):
        super().__init__(status, problems)
        self.status = status
        self.problems = problems


def _errors(status: int, problems: list[Problem], headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"errors": [asdict(p) for p in problems]}, status_code=status, headers=headers)


def create_app(engine: Engine, limits: Limits = Limits()) -> Starlette:
    """The app over `engine`, built once; every request shares it."""
    extract_answer, explain_answer = answer_models(engine)
    openapi = openapi_document(engine, extract_answer, explain_answer)
    schemas = {None: engine.schema(), **{name: engine.schema(name) for name in engine.fact_types}}
    plugins = plugin_rows(engine)
    health = {"status": "ok", "version": __version__, "fact_types": sorted(engine.fact_types)}
    page = fill(asset("page.html", __package__), {
        "view.css": asset("view.css"), "view.js": asset("view.js"), "page.js": asset("page.js", __package__)})

    async def read_body(request: Request) -> bytes:
        """The body, refused if too large; a refused body is still read to its end, so the client hears why."""
        chunks, size = [], 0
        with anyio.move_on_after(limits.timeout) as scope:
            async for chunk in request.stream():
                size += len(chunk)
                if size <= limits.max_body:
                    chunks.append(chunk)
        if size > limits.max_body:
            raise ApiError(413, [Problem("FX504", f"the request body is larger than {limits.max_body} bytes "
                                                  "(the server's --max-body-mb)")])
        if scope.cancelled_caught:
            raise ApiError(408, [Problem("FX506", f"the request body took longer than {limits.timeout} s to arrive")])
        return b"".join(chunks)

    def checked(item: ExtractRequest | ExplainRequest, where: str) -> list[Problem]:
        problems = []
        if len(item.text) > limits.max_chars:
            problems.append(Problem("FX505", f"the text has {len(item.text)} characters, more than the "
                                             f"{limits.max_chars} allowed (the server's --max-chars)", f"{where}text"))
        unknown = sorted(set(item.types or ()) - set(engine.fact_types))
        if unknown:
            problems.append(Problem("FX503", f"unknown fact type {', '.join(unknown)} "
                                             f"(known: {', '.join(sorted(engine.fact_types))})", f"{where}types"))
        return problems

    def refuse(problems: list[Problem]) -> None:
        if problems:
            raise ApiError(413 if problems[0].code == "FX505" else 422, problems)

    async def in_thread(deadline: float, work: Callable[[], T]) -> T:
        """Run `work` in a worker thread, answering FX506 once the request's time is up.

        The answer is made there too (records to JSON), so the event loop only moves bytes.
        """
        try:
            with anyio.fail_after(max(0.0, deadline - time.monotonic())):
                return await anyio.to_thread.run_sync(work, limiter=app.state.limiter, abandon_on_cancel=True)
        except TimeoutError:
            raise ApiError(503, [Problem("FX506", f"the request took longer than {limits.timeout} s "
                                                  "(the server's --timeout)")]) from None

    async def extract(request: Request) -> JSONResponse:
        deadline = time.monotonic() + limits.timeout
        body = await read_body(request)
        many = body.lstrip()[:1] == b"["
        parsed = _parse(EXTRACT_MANY if many else EXTRACT_ONE, body)
        items: list[ExtractRequest] = parsed if many else [parsed]
        refuse([p for i, item in enumerate(items) for p in checked(item, f"[{i}]." if many else "")])
        jobs = [(Document(f"doc-{i}" if item.id is None else item.id, item.text), item) for i, item in enumerate(items)]

        def work() -> JSONResponse:
            results: list[Result] = []
            for document, item in jobs:
                if time.monotonic() > deadline:  # the client has had its answer; stop at the next document
                    raise TimeoutError
                results.append(engine.process(document, types=item.types, reference_date=item.reference()))
            return JSONResponse({"facts": [f.model_dump(mode="json") for r in results for f in r.facts],
                                 "problems": [asdict(p) for r in results for p in r.problems]})

        return await in_thread(deadline, work)

    async def explain(request: Request) -> JSONResponse:
        deadline = time.monotonic() + limits.timeout
        item: ExplainRequest = _parse(EXPLAIN, await read_body(request))
        refuse(checked(item, ""))

        def work() -> JSONResponse:
            result = engine.explain(item.text, reference_date=item.reference(), types=item.types)
            return JSONResponse({"facts": [f.model_dump(mode="json") for f in result.facts],
                                 "candidates": candidate_rows(engine, item.text, result),
                                 "problems": [asdict(p) for p in result.problems]})

        return await in_thread(deadline, work)

    async def schema(request: Request) -> JSONResponse:
        fact_type = request.query_params.get("type")
        if fact_type not in schemas:
            raise ApiError(422, [Problem("FX503", f"unknown fact type {fact_type} "
                                                  f"(known: {', '.join(sorted(engine.fact_types))})", "type")])
        return JSONResponse(schemas[fact_type])

    @asynccontextmanager
    async def lifespan(app: Starlette):
        app.state.limiter = anyio.CapacityLimiter(limits.threads)
        yield

    def fixed(response: Callable[[], Any]) -> Callable:
        async def answer(request: Request):
            return response()

        return answer

    routes = [
        Route("/", fixed(lambda: HTMLResponse(page, headers={"Content-Security-Policy": PAGE_POLICY}))),
        Route("/extract", extract, methods=["POST"]),
        Route("/explain", explain, methods=["POST"]),
        Route("/schema", schema),
        Route("/plugins", fixed(lambda: JSONResponse(plugins))),
        Route("/health", fixed(lambda: JSONResponse(health))),
        Route("/openapi.json", fixed(lambda: JSONResponse(openapi))),
    ]
    handlers: dict[Any, Callable] = {ApiError: _api_error, HTTPException: _http_error, Exception: _internal_error}
    app = Starlette(routes=routes, exception_handlers=handlers, lifespan=lifespan)
    app.state.engine = engine
    app.state.limits = limits
    return app


def _parse(adapter: TypeAdapter[T], body: bytes) -> T:
    """The request, or FX501 if the body is not JSON, FX502 for each field that does not fit."""
    try:
        return adapter.validate_json(body)
    except ValidationError as e:
        errors = e.errors(include_url=False)
        if any(err["type"] == "json_invalid" for err in errors):
            raise ApiError(400, [Problem("FX501", f"the request body is not JSON: {errors[0]['msg']}")]) from None
        raise ApiError(422, [Problem("FX502", err["msg"], _where(err["loc"])) for err in errors]) from None


def _where(loc: tuple[str | int, ...]) -> str:
    """A field's place in the request: `text`, `[2].reference_date`, `types[0]`."""
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".") or "(body)"


async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
    return _errors(exc.status, exc.problems)


async def _http_error(request: Request, exc: HTTPException) -> JSONResponse:
    code = "FX507" if exc.status_code in (404, 405) else "FX502"
    return _errors(exc.status_code, [Problem(code, f"{request.method} {request.url.path}: {exc.detail}")], exc.headers)


async def _internal_error(request: Request, exc: Exception) -> JSONResponse:
    # Starlette raises the exception again once this answer is sent, so the server's log has the traceback.
    return _errors(500, [Problem("FX508", "internal error in the server; its log has the details")])
