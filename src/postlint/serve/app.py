"""The Starlette application: the page, its assets, and a small JSON API.

    GET  /                 the page (static/index.html)
    GET  /static/NAME      its CSS and JavaScript (a fixed list, read from the package)
    GET  /api/info         platforms and limits, languages, review on/off, files under PATH
    POST /api/check        {text, platform, account, scheduled_at, language} -> findings, lengths
    GET  /api/queue?path=  every post of a folder or queue file under PATH, with its findings
    POST /api/approve      {path, post, as, note} -> the approval recorded (as `postlint approve`)
    GET  /api/draft?path=  a draft's front matter and text
    POST /api/draft        {path, text, sha} -> saved (front matter untouched)
    GET  /api/events?path= live events and sensitive dates of the coming 14 days

Every error is JSON `{"error": message}`; an unexpected one says only that it happened (the
traceback goes to the server's terminal, not to the browser).
"""

from __future__ import annotations

import json
import logging
from importlib import resources
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..errors import UsageError
from .security import Guard, Policy
from .service import PageError, Service
from .workspace import PathError

ASSETS = {"app.css": "text/css; charset=utf-8", "app.js": "text/javascript; charset=utf-8"}
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
       "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
MAX_BODY = 2 * 1024 * 1024  # a draft is at most 1 MB; JSON escaping can double it
MAX_TEXT = 1024 * 1024
log = logging.getLogger("postlint.serve")


def _asset(name: str) -> bytes:
    return resources.files(__package__).joinpath("static", name).read_bytes()


def _json(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status, headers={"cache-control": "no-store"})


async def _body(request: Request) -> dict[str, Any]:
    try:
        data = json.loads(await request.body() or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise HTTPException(400, "the request body is not valid JSON") from None
    if not isinstance(data, dict):
        raise HTTPException(400, "the request body must be a JSON object")
    return data


def _text(data: dict[str, Any], key: str, default: str | None = None, limit: int = 4096) -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise HTTPException(400, f"{key!r} must be a string")
    if len(value) > limit:
        raise HTTPException(413, f"{key!r} is too long")
    return value


def build(service: Service, policy: Policy) -> Guard:
    """The app for one served folder, wrapped in its security guard."""
    page = _asset("index.html")
    assets = {name: _asset(name) for name in ASSETS}

    async def index(request: Request) -> Response:
        return Response(page, media_type="text/html; charset=utf-8",
                        headers={"content-security-policy": CSP, "cache-control": "no-store"})

    async def asset(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in assets:
            raise HTTPException(404, "no such file")
        return Response(assets[name], media_type=ASSETS[name], headers={"cache-control": "no-cache"})

    def info(request: Request) -> Response:
        return _json(service.info())

    async def check(request: Request) -> Response:
        data = await _body(request)
        text = _text(data, "text", limit=MAX_TEXT)
        fields = {key: _text(data, key, "") for key in ("platform", "account", "scheduled_at", "language")}
        return await _in_thread(service.check_text, text, fields)

    def queue(request: Request) -> Response:
        return _json(service.open_queue(request.query_params.get("path", "")))

    async def approve(request: Request) -> Response:
        data = await _body(request)
        return await _in_thread(service.approve, _text(data, "path"), _text(data, "post"),
                                _text(data, "as", ""), _text(data, "note", ""))

    async def draft(request: Request) -> Response:
        if request.method == "GET":
            found = service.workspace.read_draft(request.query_params.get("path", ""))
        else:
            data = await _body(request)
            sha = data.get("sha")
            found = await _run(service.workspace.write_draft, _text(data, "path"),
                               _text(data, "text", limit=MAX_TEXT), sha if isinstance(sha, str) else None)
        return _json({"path": found.path, "front": found.front, "text": found.text, "sha": found.sha})

    def events(request: Request) -> Response:
        return _json(service.events(request.query_params.get("path", "")))

    routes = [
        Route("/", index), Route("/static/{name}", asset), Route("/api/info", info),
        Route("/api/check", check, methods=["POST"]), Route("/api/queue", queue),
        Route("/api/approve", approve, methods=["POST"]),
        Route("/api/draft", draft, methods=["GET", "POST"]), Route("/api/events", events),
    ]
    handlers = {HTTPException: _http_error, PathError: _path_error, PageError: _page_error,
                UsageError: _page_error, Exception: _crash}
    return Guard(Starlette(routes=routes, exception_handlers=handlers), policy)


async def _in_thread(function: Any, *args: Any) -> Response:
    return _json(await _run(function, *args))


async def _run(function: Any, *args: Any) -> Any:
    """Checks take CPU time: run them off the event loop, so the server keeps answering."""
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(function, *args)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = exc.detail if exc.status_code != 405 else "method not allowed"
    if exc.status_code == 404 and message == "Not Found":
        message = "no such page"
    return _json({"error": message}, exc.status_code)


async def _path_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PathError)
    return _json({"error": str(exc)}, exc.status)


async def _page_error(request: Request, exc: Exception) -> Response:
    return _json({"error": str(exc)}, 400)


async def _crash(request: Request, exc: Exception) -> Response:
    log.exception("postlint serve: internal error on %s", request.url.path)
    return _json({"error": "internal error in postlint (the server's terminal shows where); "
                           "please report it"}, 500)
