"""The foundation every feature stands on; it depends on nothing of ours but `extensions`.

What it offers (one module each): `access` (roles, who may do what, `role_required`/`public`),
`errors` (`Refused`, the one way a service refuses, and `show_refusal`), `database` (write
transactions that lock first) and `transactions` (`commit_with_retry`, the one commit policy),
`money` and `dates` and `text` (parsing what people type, within bounds), `params` (query-string and
URL numbers), `forms` (money and date fields), `once` (one-time form tokens), `paging`, `clock`
(`utcnow`; stored UTC read in the county's time zone), `units` (money in 元 or 万元 as the reader
chose), `constraints` (CHECK helpers), `files` (owner-only files, hashing), `uploads` (files kept
between the steps of an import), `sheets/` (reading and writing spreadsheets, bounded; choice columns
and their synonyms), `bulk` (many rows at once), `backup` and `cli` (backup and restore), `i18n`
(languages), `web` (error pages, security headers, template filters).

`init_app(app)` installs what every request needs from core.
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Bounded ids in URLs, languages, error pages and headers, the backup commands; the one-time
    tokens' table in the schema."""
    import core.database
    import core.kept
    import core.once  # noqa: F401  (its table belongs to the schema)
    from core import i18n, params, web
    from core.cli import backup_command, restore_command
    from core.clock import zone

    zone(app.config.setdefault("TIME_ZONE", "Asia/Shanghai"))  # an unknown zone stops the start, not a page
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["TIME_ZONE"]
    params.install(app)
    i18n.init_app(app)
    web.init_app(app)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
