"""The [review] and [retention] settings, and the daily job that uses them."""

from __future__ import annotations

from datetime import time

import pytest

from kiosk.clock import FixedClock
from kiosk.config import ConfigError, parse_config
from tests.support import REPO, run_kiosk
from tests.week_fixture import FRIDAY, local


def test_defaults():
    config = parse_config({})
    assert config.closing_time == time(17, 0)
    assert config.review.expiry_warning_days == 30
    assert config.retention.days == 730


@pytest.mark.parametrize(
    ("section", "key", "value", "allowed"),
    [
        ("review", "closing_time", "5pm", "a local time as HH:MM"),
        ("review", "closing_time", "24:00", "a local time as HH:MM"),
        ("review", "long_visit_factor", 1.0, "1.2 to 10"),
        ("retention", "days", 7, "0, or 30 to 36500"),
    ],
)
def test_bad_values_name_the_key(section, key, value, allowed):
    with pytest.raises(ConfigError) as error:
        parse_config({section: {key: value}})
    assert error.value.problems == [
        f"[{section}] {key} = {value!r}: expected {allowed}"
    ]


def test_sample_settings_file_parses():
    import tomllib

    with (REPO / "config" / "kiosk.toml").open("rb") as handle:
        config = parse_config(tomllib.load(handle))
    assert config.review.closing_time == "17:00"


def test_daily_job_closes_times_out_and_purges(week, tmp_path):
    config, _ = week
    config.write_text(
        config.read_text() + '\n[review]\nclosing_time = "15:00"\n'
        "\n[retention]\ndays = 30\n"
    )
    # The week's own 17:05 runs closed every visit, so the job marks none.
    # Thirty days of retention on 2027-01-05 purge the whole week.
    status, output = run_kiosk(
        ["--config", str(config), "report", "daily"],
        FixedClock(local(FRIDAY, "16:00").replace(month=1, day=5, year=2027)),
    )
    assert status == 0, output
    lines = output.splitlines()
    assert lines[0] == "marked 0 visits not signed out"
    # The week leaves four refusals' alerts open; the job times them out
    # before the purge removes their visits.
    assert lines[1] == "marked 4 alerts timed out"
    assert lines[2].startswith("purged ")
    assert "from before 2026-12-06" in lines[2]
    status, output = run_kiosk(["--config", str(config), "report", "verify"])
    assert status == 0, output


def test_timer_runs_the_daily_job():
    service = (REPO / "systemd" / "kiosk-daily.service").read_text()
    timer = (REPO / "systemd" / "kiosk-daily.timer").read_text()
    assert "kiosk report daily" in service
    assert "OnCalendar=" in timer
