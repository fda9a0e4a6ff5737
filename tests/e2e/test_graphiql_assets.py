"""GraphiQL's page loads only scripts and styles that the gateway serves itself."""

from __future__ import annotations

import fnmatch
import re
import tomllib
from pathlib import Path

import httpx

from gateway.app import create_app
from gateway.settings import GatewaySettings

ROOT = Path(__file__).parents[2]
VENDOR = ROOT / "gateway" / "static" / "vendor"
HTML = {"Accept": "text/html"}


def _client(settings: GatewaySettings) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=create_app(settings))
    return httpx.AsyncClient(transport=transport, base_url="http://gateway.test")


async def test_page_loads_only_vendored_assets_and_they_are_served() -> None:
    async with _client(GatewaySettings()) as http:
        page = await http.get("/graphql", headers=HTML)
        references = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        served = {ref: await http.get(f"/{ref}") for ref in references}

    assert page.status_code == 200
    assert len(references) == 4, references
    assert all(ref.startswith("graphiql-assets/") for ref in references), references
    for ref, response in served.items():
        file = VENDOR / ref.removeprefix("graphiql-assets/")
        assert response.status_code == 200, ref
        assert response.content == file.read_bytes(), ref
        kind = "text/css" if ref.endswith(".css") else "javascript"
        assert kind in response.headers["content-type"], ref


async def test_assets_are_not_served_without_graphiql() -> None:
    asset = "/graphiql-assets/react-18.2.0/react.production.min.js"
    for settings in (GatewaySettings(graphiql=False), GatewaySettings(production=True)):
        async with _client(settings) as http:
            response = await http.get(asset)

        assert response.status_code == 404, settings


def test_vendored_files_ship_with_their_licenses_in_the_package() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["gateway"]
    files = [path for path in VENDOR.rglob("*") if path.is_file()]
    packaged = [
        path
        for path in files
        if any(
            fnmatch.fnmatch(path.relative_to(ROOT / "gateway").as_posix(), pattern)
            for pattern in patterns
        )
    ]

    assert files and packaged == files
    folders = {path.parent for path in files if path.parent != VENDOR}
    assert folders and all((folder / "LICENSE").is_file() for folder in folders)
