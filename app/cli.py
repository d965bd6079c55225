"""The `guestid` command: serve, worker, migrate, tenants, clients, import and export."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.config import get_settings
from app.core.db import create_engine, session_factory, transaction
from app.core.errors import Problem
from app.core.migrate import upgrade
from app.tenancy import service as tenancy

app = typer.Typer(
    help="guestid: hotel guest recognition.", no_args_is_help=True, pretty_exceptions_enable=False
)
tenant_app = typer.Typer(help="Tenants (hotel groups).", no_args_is_help=True)
property_app = typer.Typer(help="Properties (hotels) of a tenant.", no_args_is_help=True)
client_app = typer.Typer(help="API clients (OAuth2 client credentials).", no_args_is_help=True)
export_app = typer.Typer(help="Export data.", no_args_is_help=True)
app.add_typer(tenant_app, name="tenant")
app.add_typer(property_app, name="property")
app.add_typer(client_app, name="client")
model_app = typer.Typer(help="Match models.", no_args_is_help=True)
matching_app = typer.Typer(help="Matching thresholds of a tenant.", no_args_is_help=True)
app.add_typer(matching_app, name="matching")
app.add_typer(export_app, name="export")
app.add_typer(model_app, name="model")
console = Console(stderr=True)
T = TypeVar("T")
TenantOpt = Annotated[str, typer.Option("--tenant", "-t", help="Tenant slug or id.")]


def _run(work: Callable[[async_sessionmaker[AsyncSession]], Awaitable[T]]) -> T:
    """Run `work` against the configured database, migrated first on SQLite."""
    settings = get_settings()
    if settings.is_sqlite:
        upgrade(settings.database_url)

    async def main() -> T:
        engine: AsyncEngine = create_engine(settings.database_url)
        try:
            return await work(session_factory(engine))
        finally:
            await engine.dispose()

    try:
        return asyncio.run(main())
    except Problem as problem:
        detail = f": {problem.detail}" if problem.detail else ""
        console.print(f"[red]error:[/red] {problem.title}{detail}")
        raise typer.Exit(2) from None


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="API processes.")] = 1,
) -> None:
    """Run the API (and, without Redis, the background worker inside it)."""
    import uvicorn

    settings = get_settings()
    if settings.is_sqlite:
        upgrade(settings.database_url)
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        timeout_graceful_shutdown=30,
        proxy_headers=True,
    )


@app.command()
def worker(
    concurrency: Annotated[int, typer.Option(help="Jobs run at once.")] = 0,
) -> None:
    """Run background jobs and webhook deliveries until SIGTERM/SIGINT (finishing work in hand)."""
    from app.core.heap import freeze_startup_objects
    from app.core.logging import configure_logging
    from app.core.outbox import Waker, wake_on_commit
    from app.core.redis import connect_redis
    from app.webhooks.runner import WebhookRunner, publish_wake
    from app.worker.handlers import inbound_tasks
    from app.worker.runner import Worker

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)
    inbound_tasks.use_settings(settings)

    async def work(sessions: async_sessionmaker[AsyncSession]) -> None:
        redis = connect_redis(settings.redis_url)
        runner = Worker(
            sessions,
            redis,
            concurrency or settings.worker_concurrency,
            settings.job_lease_seconds,
            idempotency_ttl_hours=settings.idempotency_ttl_hours,
        )
        webhooks = WebhookRunner(sessions, settings, redis)

        def stop() -> None:
            runner.stop()
            webhooks.stop()

        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop)
        # Jobs that write outbox events (inbound deliveries) wake the dispatchers at once.
        waker = Waker(webhooks.wake, *([lambda: publish_wake(redis)] if redis else []))
        freeze_startup_objects()
        try:
            with wake_on_commit(waker):
                await asyncio.gather(runner.run(), webhooks.run())
        finally:
            if redis is not None:
                await redis.aclose()

    _run(work)


@app.command()
def migrate(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply database migrations."""
    upgrade(get_settings().database_url, revision)
    console.print(f"database at {revision}")


@tenant_app.command("create")
def tenant_create(
    slug: Annotated[str, typer.Argument(help="Lower-case slug, e.g. alpine-hotels.")],
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
) -> None:
    """Create a tenant."""

    async def work(sessions: async_sessionmaker[AsyncSession]) -> str:
        async with transaction(sessions) as session:
            return (await tenancy.create_tenant(session, slug, name)).id

    tenant_id = _run(work)
    typer.echo(f"tenant {slug} created (id {tenant_id})")


@property_app.command("create")
def property_create(
    code: Annotated[str, typer.Argument(help="Property code used in records (property_id).")],
    tenant: TenantOpt,
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
    timezone: Annotated[str, typer.Option(help="IANA time zone.")] = "UTC",
) -> None:
    """Create a property of a tenant."""

    async def work(sessions: async_sessionmaker[AsyncSession]) -> None:
        async with transaction(sessions) as session:
            found = await tenancy.find_tenant(session, tenant)
            await tenancy.create_property(session, found, code, name, timezone)

    _run(work)
    typer.echo(f"property {code} created")


@client_app.command("create")
def client_create(
    tenant: TenantOpt,
    name: Annotated[str, typer.Option(help="What the client is, e.g. mews-berlin.")] = "api",
    scopes: Annotated[str, typer.Option(help="Space- or comma-separated scopes.")] = " ".join(
        tenancy.DEFAULT_SCOPES
    ),
) -> None:
    """Create an API client and print its credentials (the secret is shown only now)."""
    wanted = tuple(s for s in scopes.replace(",", " ").split() if s)

    async def work(sessions: async_sessionmaker[AsyncSession]) -> tenancy.IssuedClient:
        async with transaction(sessions) as session:
            found = await tenancy.find_tenant(session, tenant)
            return await tenancy.create_client(session, found, name, wanted)

    issued = _run(work)
    typer.echo(f"client_id={issued.client_id}")
    typer.echo(f"client_secret={issued.client_secret}")
    typer.echo(f"scopes={' '.join(issued.scopes)}")


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    tenant: TenantOpt,
    batch_size: Annotated[int, typer.Option(min=1, max=5000)] = 500,
    restart: Annotated[bool, typer.Option(help="Ignore saved progress.")] = False,
    parallel: Annotated[
        bool | None,
        typer.Option(
            "--parallel/--no-parallel",
            help="Prepare the next batch in a second process (default: for files over 2 MB).",
        ),
    ] = None,
) -> None:
    """Import generic guest records (JSON Lines); a rerun resumes where it stopped."""
    from app.bulk.importer import import_file
    from app.matching.service import matching_for

    settings = get_settings()

    async def work(sessions: async_sessionmaker[AsyncSession]) -> object:
        async with transaction(sessions) as session:
            found = await tenancy.find_tenant(session, tenant)
            matching = await matching_for(session, found.id)
        columns = (
            *Progress.get_default_columns()[:1],
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task("importing", total=file.stat().st_size)
            return await import_file(
                file,
                tenant_id=found.id,
                tenant_slug=found.slug,
                sessions=sessions,
                matching=matching,
                secret_key=settings.secret_key,
                batch_size=batch_size,
                restart=restart,
                on_progress=lambda n: progress.advance(task, n),
                parallel=parallel,
            )

    report = _run(work)
    _print_import_report(report)


def _print_import_report(report: object) -> None:
    from app.bulk.importer import ImportReport

    assert isinstance(report, ImportReport)
    if report.resumed_from_line:
        console.print(f"resumed after line {report.resumed_from_line}")
    table = Table("outcome", "records")
    for outcome in ("created", "linked", "review", "updated", "unchanged", "stale", "failed"):
        table.add_row(outcome, str(report.outcomes.get(outcome, 0)))
    console.print(table)
    for reason, count in report.failure_reasons.most_common(10):
        console.print(f"failed: {count} x {reason}")
    for failure in report.failures[:10]:
        console.print(f"  line {failure['line']}: {failure['reason']}: {failure['detail']}")
    if report.repaired_lines:
        console.print(f"mended or dropped fields on {report.repaired_lines} lines:")
    for repair, count in report.repairs.most_common(10):
        console.print(f"  {count} x {repair}")
    typer.echo(
        " ".join(
            f"{k}={report.outcomes.get(k, 0)}"
            for k in ("created", "linked", "review", "updated", "unchanged", "stale", "failed")
        )
    )


@app.command()
def hint(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    tenant: TenantOpt,
    batch_size: Annotated[int, typer.Option(min=1, max=1000)] = 100,
) -> None:
    """Ingest generic records (JSON Lines) and print each arriving record's hint as JSON."""
    from app.core.logging import configure_logging
    from app.hints.batch import HintRun, hint_file
    from app.matching.service import matching_for

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)  # stdout carries only hints

    async def work(sessions: async_sessionmaker[AsyncSession]) -> HintRun:
        async with transaction(sessions) as session:
            found = await tenancy.find_tenant(session, tenant)
            matching = await matching_for(session, found.id)
        return await hint_file(
            file,
            tenant_id=found.id,
            sessions=sessions,
            matching=matching,
            secret_key=settings.secret_key,
            out=sys.stdout,
            batch_size=batch_size,
            on_failure=lambda message: console.print(f"[red]failed:[/red] {message}"),
        )

    run = _run(work)
    console.print(f"{run.hints} hints from {run.records} records; {len(run.failures)} failed")
    if run.failures:
        raise typer.Exit(1)


@export_app.command("links")
def export_links(
    tenant: TenantOpt,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="CSV file (default stdout).")
    ] = None,
) -> None:
    """Write source,source_record_id,profile_id for every record of the tenant."""
    from app.bulk.exporter import export_links as write_links

    async def work(sessions: async_sessionmaker[AsyncSession]) -> int:
        async with transaction(sessions) as session:
            found = await tenancy.find_tenant(session, tenant)
            if output is None:
                return await write_links(session, found.id, sys.stdout)
            with output.open("w", newline="") as handle:
                return await write_links(session, found.id, handle)

    count = _run(work)
    console.print(f"{count} records exported")


@model_app.command("train")
def model_train(tenant: TenantOpt) -> None:
    """Learn match weights from the tenant's own records (EM, no labels) and activate them."""
    from app.matching.service import train_model

    async def work(sessions: async_sessionmaker[AsyncSession]) -> tuple[str, int]:
        async with transaction(sessions) as session:
            found = await tenancy.find_tenant(session, tenant)
            row = await train_model(session, found.id)
            return row.version, row.trained_on

    version, count = _run(work)
    typer.echo(f"model {version} trained on {count} records and active")
    console.print("run `guestid resolve --rebuild` to apply it to records already resolved")


@matching_app.command("set")
def matching_set(
    tenant: TenantOpt,
    merge_probability: Annotated[float | None, typer.Option(help="Auto-merge at or above.")] = None,
    review_probability: Annotated[float | None, typer.Option(help="Review at or above.")] = None,
    max_key_profiles: Annotated[int | None, typer.Option(help="Identifier sharing cap.")] = None,
    households: Annotated[
        bool | None,
        typer.Option(
            "--households/--no-households",
            help="Guests come in households (hotels); --no-households for registers of "
            "independent people.",
        ),
    ] = None,
) -> None:
    """Change the tenant's matching thresholds (unset options keep their value)."""
    from dataclasses import asdict, replace

    from app.matching.service import set_thresholds, thresholds_of, validate_thresholds

    changes: dict[str, Any] = {
        k: v
        for k, v in {
            "merge_probability": merge_probability,
            "review_probability": review_probability,
            "max_key_profiles": max_key_profiles,
            "households": households,
        }.items()
        if v is not None
    }

    async def work(sessions: async_sessionmaker[AsyncSession]) -> dict[str, object]:
        async with transaction(sessions) as session:
            found = await tenancy.find_tenant(session, tenant)
            wanted = validate_thresholds(asdict(replace(thresholds_of(found), **changes)))
            await set_thresholds(session, found.id, wanted)
            return asdict(wanted)

    typer.echo(" ".join(f"{k}={v}" for k, v in _run(work).items()))


@app.command()
def resolve(
    tenant: TenantOpt,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Re-resolve every record.")] = False,
) -> None:
    """Re-resolve every record of a tenant with the current model and rules."""
    from app.matching.rebuild import rebuild as run_rebuild
    from app.matching.service import matching_for

    if not rebuild:
        console.print("nothing to do: pass --rebuild")
        raise typer.Exit(2)

    async def work(sessions: async_sessionmaker[AsyncSession]) -> object:
        async with transaction(sessions) as session:
            found = await tenancy.find_tenant(session, tenant)
            matching = await matching_for(session, found.id)
            return await run_rebuild(session, found.id, matching, "rebuild")

    report = _run(work)
    typer.echo(" ".join(f"{k}={v}" for k, v in vars(report).items()))


def main() -> None:
    """Entry point of the console script."""
    app()


if __name__ == "__main__":
    main()
