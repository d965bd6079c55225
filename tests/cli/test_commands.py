"""The `guestid` command as a user runs it: tenants, clients, import (resumable) and export."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from app.core.config import Settings

GUESTID = [sys.executable, "-m", "app.cli"]


def run(settings: Settings, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "GUESTID_DATABASE_URL": settings.database_url,
        "GUESTID_SECRET_KEY": settings.secret_key,
        "GUESTID_DATA_DIR": str(settings.data_dir),
        "GUESTID_LOG_LEVEL": "WARNING",
    }
    done = subprocess.run([*GUESTID, *args], env=env, capture_output=True, text=True, timeout=120)
    if ok:
        assert done.returncode == 0, done.stderr
    return done


GIVEN = ["Anna", "Bernd", "Chiara", "Dmitri", "Elif", "Farid", "Greta", "Hiro", "Ines", "Jonas"]
FAMILY = ["Weber", "Rossi", "Novak", "Tanaka", "Okafor", "Lindqvist"]


def record(n: int, **fields: object) -> str:
    """A distinct guest per n: namesakes recur, each with their own verified email."""
    given, family = GIVEN[n % len(GIVEN)], FAMILY[n % len(FAMILY)]
    base = {
        "source": "pms",
        "source_record_id": f"R-{n}",
        "first_name": given,
        "last_name": family,
        "email": f"guest{n}@example.com",
        "email_verified": True,
    }
    return json.dumps({**base, **fields})


@pytest.fixture
def slug(settings: Settings) -> str:
    name = f"cli-{uuid.uuid4().hex[:8]}"
    assert "created" in run(settings, "tenant", "create", name).stdout
    return name


def test_tenant_slug_is_validated_and_unique(settings: Settings, slug: str) -> None:
    assert run(settings, "tenant", "create", slug, ok=False).returncode == 2
    bad = run(settings, "tenant", "create", "Not A Slug", ok=False)
    assert bad.returncode == 2
    assert "slug" in bad.stderr


def test_client_create_prints_credentials_once(settings: Settings, slug: str) -> None:
    out = run(settings, "client", "create", "--tenant", slug, "--scopes", "records:write").stdout
    fields = dict(line.split("=", 1) for line in out.strip().splitlines())
    assert fields["client_id"].startswith("gid_")
    assert fields["client_secret"].startswith("gsk_")
    assert fields["scopes"] == "records:write"
    unknown = run(settings, "client", "create", "--tenant", slug, "--scopes", "root", ok=False)
    assert unknown.returncode == 2


@pytest.mark.parametrize("preparing", ["--no-parallel", "--parallel"])
def test_import_reports_failures_and_export_writes_every_link(
    settings: Settings, slug: str, tmp_path: Path, preparing: str
) -> None:
    lines = [
        record(1),
        record(2, email="GUEST1@example.com", first_name="Bernd", last_name="Rossi"),  # = line 1
        "{not json",
        record(3, date_of_birth="1990-02-31"),
        record(4, unexpected=True),
        record(5),
    ]
    path = tmp_path / "guests.jsonl"
    path.write_text("\n".join(lines) + "\n")
    done = run(settings, "import", str(path), "--tenant", slug, preparing)
    # An impossible birth date and a column of the exporter's own are dropped, not the guest.
    assert "created=4 linked=1" in done.stdout
    assert "failed=1" in done.stdout
    assert "line 3: malformed-json" in done.stderr
    assert "/date_of_birth: dropped" in done.stderr and "/unexpected: dropped" in done.stderr

    out = tmp_path / "links.csv"
    run(settings, "export", "links", "--tenant", slug, "-o", str(out))
    rows = list(csv.DictReader(out.open()))
    assert [r["source_record_id"] for r in rows] == ["R-1", "R-2", "R-3", "R-4", "R-5"]
    by_id = {r["source_record_id"]: r["profile_id"] for r in rows}
    assert by_id["R-1"] == by_id["R-2"] != by_id["R-5"]


def test_import_resumes_after_the_last_committed_batch(
    settings: Settings, slug: str, tmp_path: Path
) -> None:
    path = tmp_path / "many.jsonl"
    path.write_text("".join(record(n) + "\n" for n in range(1, 31)))
    progress = path.with_name(f"{path.name}.{slug}.guestid-progress")
    # Pretend an earlier run committed the first 20 lines, then stopped.
    first_twenty = sum(len(record(n)) + 1 for n in range(1, 21))
    run(settings, "import", str(path), "--tenant", slug, "--batch-size", "20")
    progress.write_text(
        json.dumps({"offset": first_twenty, "line": 20, "outcomes": {"created": 20}})
    )
    resumed = run(settings, "import", str(path), "--tenant", slug)
    assert "resumed after line 20" in resumed.stderr
    assert "created=20 linked=0 review=0 updated=0 unchanged=10" in resumed.stdout
    assert not progress.exists()
    again = run(settings, "import", str(path), "--tenant", slug)
    assert "unchanged=30" in again.stdout


def test_unknown_tenant_is_a_clear_error(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(record(1) + "\n")
    done = run(settings, "import", str(path), "--tenant", "no-such-tenant", ok=False)
    assert done.returncode == 2
    assert "no-such-tenant does not exist" in done.stderr


def test_model_train_and_rebuild(settings: Settings, slug: str, tmp_path: Path) -> None:
    few = tmp_path / "few.jsonl"
    few.write_text("".join(record(n) + "\n" for n in range(1, 6)))
    run(settings, "import", str(few), "--tenant", slug)
    too_few = run(settings, "model", "train", "--tenant", slug, ok=False)
    assert too_few.returncode == 2
    assert "at least 100" in too_few.stderr

    many = tmp_path / "many.jsonl"
    many.write_text("".join(record(n) + "\n" for n in range(6, 130)))
    imported = run(settings, "import", str(many), "--tenant", slug)
    assert "created=124 linked=0" in imported.stdout  # namesakes are different guests
    trained = run(settings, "model", "train", "--tenant", slug)
    assert "trained on 129 records and active" in trained.stdout
    rebuilt = run(settings, "resolve", "--tenant", slug, "--rebuild")
    fields = dict(pair.split("=") for pair in rebuilt.stdout.split())
    assert fields["records"] == "129"
    assert fields["profiles_after"] == "129"  # 129 different guests stay 129 guests


def test_matching_set_changes_only_what_is_given(settings: Settings, slug: str) -> None:
    done = run(settings, "matching", "set", "--tenant", slug, "--no-households")
    assert done.stdout.split() == [
        "merge_probability=0.99",
        "review_probability=0.8",
        "max_key_profiles=8",
        "households=False",
    ]
    refused = run(
        settings, "matching", "set", "--tenant", slug, "--review-probability", "0.999", ok=False
    )
    assert refused.returncode == 2
    assert "Invalid thresholds" in refused.stderr
    kept = run(settings, "matching", "set", "--tenant", slug, "--merge-probability", "0.995")
    assert "households=False" in kept.stdout
    assert "merge_probability=0.995" in kept.stdout
