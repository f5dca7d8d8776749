"""Computed reports survive a restart: the report cache's disk tier (reports/cache/disk.py)."""
from __future__ import annotations

import os
from datetime import date

import pytest

from app import create_app
from extensions import db
from reports import services
from reports.cache import disk
from reports.cache.store import data_version, report_cache
from reports.filters import ReportFilter
from tests import factories
from tests.conftest import _settings


@pytest.fixture
def county(app):
    """A small county: a source that received 50,000 yuan, and an approved project."""
    source = factories.make_source(received_fen=50_000_00, code="SRC-DISK")
    project = factories.make_project(code="SP-DISK-1", status="approved")
    db.session.commit()
    return source, project


def _restart(database_url: str, instance: str, **changes):
    """A new application process on the same database and instance folder (a restart, or a new worker)."""
    settings = _settings(database_url, instance)
    settings.update(changes)
    return create_app(settings)


def _version_folders(app) -> list[str]:
    folder = app.config["REPORT_CACHE_DIR"]
    return sorted(entry for entry in os.listdir(folder) if os.path.isdir(os.path.join(folder, entry)))


def _refuse_to_compute(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the dashboard was computed again instead of read back")
    monkeypatch.setattr(services, "_compute_dashboard", refuse)


def test_a_restarted_process_reads_the_dashboard_back_instead_of_computing_it(app, county, database_url,
                                                                             tmp_path, monkeypatch):
    """A new worker's first dashboard is the one computed before the restart, to the fen, with no computation."""
    today = date.today()
    first = services.dashboard(ReportFilter(), today, data_version())
    assert first.money.received_fen == 50_000_00

    restarted = _restart(database_url, str(tmp_path))
    _refuse_to_compute(monkeypatch)
    with restarted.app_context():
        again = services.dashboard(ReportFilter(), today, data_version())
        assert again == first
        assert report_cache().disk_hits == 1
        db.engine.dispose()


def test_a_change_after_the_restart_is_computed_not_read_back(app, county, database_url, tmp_path):
    """Figures on disk are for one data version: after a change the new figures are computed and shown."""
    today = date.today()
    services.dashboard(ReportFilter(), today, data_version())
    factories.make_source(received_fen=7_00, code="SRC-DISK-2")
    db.session.commit()

    restarted = _restart(database_url, str(tmp_path))
    with restarted.app_context():
        again = services.dashboard(ReportFilter(), today, data_version())
        assert again.money.received_fen == 50_000_00 + 7_00
        assert report_cache().disk_hits == 0
        db.engine.dispose()


def test_a_changed_or_planted_file_is_ignored_and_removed(app, county, database_url, tmp_path, monkeypatch):
    """A cache file altered on disk (or signed with another key) is never unpickled: it is removed and recomputed."""
    today = date.today()
    services.dashboard(ReportFilter(), today, data_version())
    folder = app.config["REPORT_CACHE_DIR"]
    files = [os.path.join(root, name) for root, _, names in os.walk(folder) for name in names]
    assert files
    for path in files:
        with open(path, "r+b") as handle:  # flip one byte of the pickled value
            handle.seek(5)
            byte = handle.read(1)
            handle.seek(5)
            handle.write(bytes([byte[0] ^ 0xFF]))

    restarted = _restart(database_url, str(tmp_path))
    computed = []
    real = services._compute_dashboard
    monkeypatch.setattr(services, "_compute_dashboard", lambda *a: computed.append(1) or real(*a))
    with restarted.app_context():
        again = services.dashboard(ReportFilter(), today, data_version())
        assert again.money.received_fen == 50_000_00 and computed == [1]
        assert report_cache().disk_hits == 0
        db.engine.dispose()

    other_key = _restart(database_url, str(tmp_path), SECRET_KEY="another installation's key")
    computed.clear()
    with other_key.app_context():
        services.dashboard(ReportFilter(), today, data_version())
        assert computed == [1] and report_cache().disk_hits == 0
        db.engine.dispose()


def test_figures_of_another_release_are_not_served(app, county, database_url, tmp_path, monkeypatch):
    """After an upgrade (other code or translations) the reports are computed by the new release."""
    today = date.today()
    services.dashboard(ReportFilter(), today, data_version())
    monkeypatch.setattr(disk, "release_id", lambda: "the-next-release")
    restarted = _restart(database_url, str(tmp_path))
    with restarted.app_context():
        services.dashboard(ReportFilter(), today, data_version())
        assert report_cache().disk_hits == 0
        db.engine.dispose()


def test_only_the_newest_two_data_versions_stay_on_disk(app, county):
    """The folder does not grow with every change: older versions' files are removed."""
    today = date.today()
    for number in range(4):
        factories.make_project(code=f"SP-DISK-V{number}", status="approved")
        db.session.commit()
        services.dashboard(ReportFilter(), today, data_version())
    assert len(_version_folders(app)) == 2


def test_the_folder_and_its_files_are_readable_by_the_server_account_only(app, county):
    """Computed figures are as confidential as the database: owner-only folder and files."""
    services.dashboard(ReportFilter(), date.today(), data_version())
    folder = app.config["REPORT_CACHE_DIR"]
    assert os.stat(folder).st_mode & 0o077 == 0
    for root, dirs, names in os.walk(folder):
        for name in dirs + names:
            assert os.stat(os.path.join(root, name)).st_mode & 0o077 == 0, name


def test_an_empty_setting_keeps_reports_in_memory_only(database_url, tmp_path, monkeypatch):
    """REPORT_CACHE_DIR='' (LIANDONG_REPORT_CACHE_DIR=) turns the disk tier off."""
    memory_only = _restart(database_url, str(tmp_path), REPORT_CACHE_DIR="")
    with memory_only.app_context():
        assert report_cache().disk is None
        services.dashboard(ReportFilter(), date.today(), data_version())
        db.engine.dispose()
    assert not os.path.exists(os.path.join(str(tmp_path), "report-cache"))
