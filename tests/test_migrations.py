"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from db.migrate import upgrade
from db.models import Base
from tests.conftest import Database


async def test_migrations_match_models(database: Database) -> None:
    engine = database.engine()
    await upgrade(engine)
    await upgrade(engine)  # running again is harmless

    def diff(connection: object) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": False})  # type: ignore[arg-type]
        return [d for d in compare_metadata(context, Base.metadata) if d[0] != "remove_table" or d[1].name != "alembic_version"]

    async with engine.connect() as connection:
        differences = await connection.run_sync(diff)
    await engine.dispose()
    assert differences == []
