"""`guestid hint FILE.jsonl --tenant T` as a user runs it."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from app.core.config import Settings
from tests.cli.test_commands import run
from tests.hints.records import booking, pms


def test_hint_command_prints_one_hint_per_arriving_record(
    settings: Settings, tmp_path: Path
) -> None:
    slug = f"hint-{uuid.uuid4().hex[:8]}"
    run(settings, "tenant", "create", slug)
    lines = [
        json.dumps(pms("P-1", -200, 2, preferences={"bed": "king"})),
        json.dumps(pms("P-2", -20, 2)),
        json.dumps(booking("BK-1", 0, 3)),  # Anna again, through Booking.com
        "",
        "{not json",
        json.dumps(
            pms(
                "P-3",
                1,
                1,
                first_name="Kofi",
                last_name="Mensah",
                email="kofi@example.gh",
                phone="+233 24 123 4567",
            )
        ),
        json.dumps(pms("P-4", 2, 1, stay_fields={"status": "cancelled"})),
    ]
    path = tmp_path / "arrivals.jsonl"
    path.write_text("\n".join(lines) + "\n")
    done = run(settings, "hint", str(path), "--tenant", slug, "--batch-size", "2", ok=False)
    assert done.returncode == 1  # the malformed line is reported, the rest still done
    assert "line 5: malformed JSON" in done.stderr
    hints = [json.loads(line) for line in done.stdout.splitlines()]
    assert [(h["reservation_id"], h["repeat_guest"]) for h in hints] == [
        ("BK-1", True),
        ("P-3", False),
    ]
    anna = hints[0]
    assert anna["previous_stays"] == 2 and anna["preferences"][0]["value"] == "king"
    assert "2 hints from 5 records; 1 failed" in done.stderr

    again = run(settings, "hint", str(path), "--tenant", slug, ok=False)
    replayed = [json.loads(line) for line in again.stdout.splitlines()]
    assert [h["version"] for h in replayed] == [1, 1]  # nothing changed, nothing re-announced
