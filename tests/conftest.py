"""Shared fixtures: a real database per test (SQLite file, and PostgreSQL when OCOP_TEST_DATABASE_URL is
set, in a schema of its own), the app wired on it, and a transcript helper that talks to the engine."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import pytest

from bot.app import App
from bot.core.config import Settings
from db.session import create_engine
from tests.transcript import Chat

PG_URL = os.environ.get("OCOP_TEST_DATABASE_URL", "")
REQUIRE_PG = os.environ.get("OCOP_REQUIRE_POSTGRES") == "1"
# The web console's browser tests drive Debian's chromium through chromium-driver (tests/web_driver.py).
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
REQUIRE_BROWSER = os.environ.get("OCOP_REQUIRE_BROWSER") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        if REQUIRE_BROWSER and any("browser" in item.keywords for item in items):
            raise pytest.UsageError(f"OCOP_REQUIRE_BROWSER=1 but {CHROMIUM} or {CHROMEDRIVER} is missing "
                                    "(apt-get install -y chromium chromium-driver)")
        no_browser = pytest.mark.skip(reason="chromium and chromium-driver are not installed")
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(no_browser)
    if PG_URL:
        return
    if REQUIRE_PG:
        raise pytest.UsageError("OCOP_REQUIRE_POSTGRES=1 but OCOP_TEST_DATABASE_URL is not set")
    skip = pytest.mark.skip(reason="OCOP_TEST_DATABASE_URL not set")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


class Database:
    """A fresh, migrated database for one test: `url`, `engine()` (a new engine on it), `drop()`."""

    def __init__(self, backend: str, tmp_path: os.PathLike[str]) -> None:
        self.backend = backend
        if backend == "sqlite":
            self.url = f"sqlite+direct:///{tmp_path}/ocop-test.db"
            self.schema = ""
        else:
            self.url = PG_URL
            self.schema = f"t_{uuid.uuid4().hex[:12]}"

    def engine(self):  # noqa: ANN201 - an AsyncEngine
        if self.backend == "sqlite":
            return create_engine(self.url)
        return create_engine(self.url, connect_args={"server_settings": {"search_path": self.schema}})

    async def create(self) -> None:
        if self.schema:
            engine = create_engine(self.url)
            async with engine.begin() as connection:
                await connection.exec_driver_sql(f'CREATE SCHEMA "{self.schema}"')
            await engine.dispose()

    async def drop(self) -> None:
        if self.schema:
            engine = create_engine(self.url)
            async with engine.begin() as connection:
                await connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')
            await engine.dispose()


BACKENDS = [pytest.param("sqlite"), pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
async def database(request: pytest.FixtureRequest, tmp_path: os.PathLike[str]) -> AsyncIterator[Database]:
    db = Database(request.param, tmp_path)
    await db.create()
    yield db
    await db.drop()


@pytest.fixture
async def sqlite_database(tmp_path: os.PathLike[str]) -> AsyncIterator[Database]:
    db = Database("sqlite", tmp_path)
    yield db


def make_settings(db: Database, **overrides: object) -> Settings:
    values: dict[str, object] = {"database_url": db.url, "officers": [], "_env_file": None}
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
async def app(database: Database) -> AsyncIterator[App]:
    application = await App.create(make_settings(database), db=database.engine())
    yield application
    await application.close()


@pytest.fixture
def chat(app: App) -> Chat:
    return Chat(app.engine, user_id="u1")
