"""The register's commands: ``import``, ``user``, ``db``, ``backup``, ``restore``, ``publish``.

:func:`add_registry_commands` adds them to the ``stadtkarte`` sub-parsers; each
sets ``func(args) -> int``. Exit codes as ``stadtkarte build``: 0 done, 2 with one
line on stderr for unusable input (file, config, database URL, account), 1 with
one line for an internal error. A traceback is never printed (``-v`` logs it).
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

PREFIX = "stadtkarte: error: "
EXIT_USAGE = 2
EXIT_INTERNAL = 1

_TEXT = {
    "de": {
        "summary": "{file}: {new} neu, {changed} geändert, {unchanged} unverändert, {rejected} abgelehnt",
        "pending": "; neue und geänderte Einträge warten auf Freigabe unter /verwaltung",
        "applied": "; übernommen und veröffentlicht",
        "missing": "{n} Einträge fehlen in der Datei: {ids}",
        "archived": "{n} davon archiviert",
        "keep": " (bleiben bestehen; mit --archive-missing archivieren)",
        "rejects": "abgelehnte Zeilen mit Grund: {path}",
    },
    "en": {
        "summary": "{file}: {new} new, {changed} changed, {unchanged} unchanged, {rejected} rejected",
        "pending": "; new and changed entries wait for review at /verwaltung",
        "applied": "; applied and published",
        "missing": "{n} entries are missing from the file: {ids}",
        "archived": "{n} of them archived",
        "keep": " (kept; archive them with --archive-missing)",
        "rejects": "rejected rows with their reason: {path}",
    },
}


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _usage_errors() -> tuple[type[BaseException], ...]:
    from sqlalchemy.exc import OperationalError

    from etl.errors import INPUT_ERRORS
    from geodata.errors import ContractError, DatasetError
    from registry.errors import BackupFormatError, RegisterNotEmpty, UnknownEntry

    return (
        *INPUT_ERRORS,
        DatasetError,
        ContractError,
        BackupFormatError,
        RegisterNotEmpty,
        UnknownEntry,
        OperationalError,
        OSError,
        ValueError,
    )


def _guarded(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Turn every error into one line and an exit code (2 usage, 1 internal)."""

    def wrapper(args: argparse.Namespace) -> int:
        verbose = bool(getattr(args, "verbose", False))
        logging.basicConfig(
            level=logging.INFO if verbose else logging.WARNING,
            format="%(levelname)s %(name)s: %(message)s",
            stream=sys.stderr,
            force=True,
        )
        try:
            return run(args)
        except _usage_errors() as exc:
            if verbose:
                logger.info("failed", exc_info=True)
            text = _one_line(exc)
            if type(exc).__name__ == "OperationalError":
                text = (
                    "cannot use the database ("
                    + text.split("\n")[0][:200]
                    + "): check --database / STADTKARTE_DATABASE_URL"
                )
            print(PREFIX + text, file=sys.stderr)
            return EXIT_USAGE
        except KeyboardInterrupt:
            print(PREFIX + "interrupted", file=sys.stderr)
            return EXIT_USAGE
        except Exception as exc:
            if verbose:
                logger.exception("internal error")
            print(PREFIX + f"internal error: {_one_line(exc)} (run with -v for details and report it)", file=sys.stderr)
            return EXIT_INTERNAL

    return wrapper


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data",
        metavar="DIR",
        type=Path,
        default=None,
        help="data folder with the SQLite register and the published snapshots (default data/, env STADTKARTE_DATA_DIR)",
    )
    parser.add_argument(
        "--database",
        metavar="URL",
        default=None,
        help="database URL, e.g. postgresql+psycopg://user@host:5432/stadtkarte "
        "(default: env STADTKARTE_DATABASE_URL, else DIR/register.sqlite)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress and tracebacks of internal errors")


def _data_dir(args: argparse.Namespace) -> Path:
    return Path(args.data or os.environ.get("STADTKARTE_DATA_DIR") or "data")


def _open(args: argparse.Namespace, config: Any | None = None) -> Any:
    from registry.register import Register

    if config is None and getattr(args, "config", None):  # its [database] url chooses the register
        from etl.config import load_config

        config = load_config(Path(args.config))
    register = Register.open(args.database, _data_dir(args), config)
    register.upgrade()
    return register


# --- import ------------------------------------------------------------------------------


def run_import(args: argparse.Namespace) -> int:
    from registry.importer import import_offers

    text = _TEXT[args.lang]
    if not Path(args.file).is_file():
        raise FileNotFoundError(f"offer list {args.file} does not exist: give the path of a CSV, XLSX or GeoJSON file")
    with _open(args) as register:
        result = import_offers(
            register,
            Path(args.file),
            districts=args.districts,
            config=args.config,
            actor=f"import:{getpass.getuser()}",
            apply=args.apply,
            archive_missing=args.archive_missing,
        )
        if args.apply or result.archived:
            register.publish(_data_dir(args), actor="import")
    line = text["summary"].format(
        file=Path(args.file).name,
        new=len(result.new),
        changed=len(result.changed),
        unchanged=len(result.unchanged),
        rejected=result.rows_rejected,
    )
    if result.new or result.changed:
        line += text["applied"] if args.apply else text["pending"]
    print(line)
    if result.missing:
        shown = ", ".join(result.missing[:10]) + (" …" if len(result.missing) > 10 else "")
        extra = text["archived"].format(n=len(result.archived)) if result.archived else text["keep"].strip()
        print(text["missing"].format(n=len(result.missing), ids=shown) + " – " + extra)
    if result.rows_rejected:
        print(text["rejects"].format(path=result.rejects_path))
    return 0


def _add_import(sub: Any) -> None:
    p = sub.add_parser(
        "import",
        help="load an offer list into the register, merging by id (new rows and changes wait for review)",
        description="Run the build's extract, validation and geocoding on FILE and merge it into the register by id.",
    )
    p.add_argument(
        "file", metavar="FILE", type=Path, help="offer list: CSV (UTF-8 or Windows-1252), XLSX, GeoJSON or GeoPackage"
    )
    p.add_argument(
        "--apply",
        action="store_true",
        help="publish new rows and apply changed rows at once instead of queueing them for review",
    )
    p.add_argument(
        "--archive-missing",
        action="store_true",
        help="archive entries whose id is not in FILE (otherwise they are only listed)",
    )
    p.add_argument(
        "--config",
        metavar="PATH",
        type=Path,
        help="city config (TOML) as for 'stadtkarte build' (default: the one of the last import, else the demo's)",
    )
    p.add_argument(
        "--districts",
        metavar="PATH",
        type=Path,
        help="district polygons or a CSV of district centres (default: the demo's districts)",
    )
    p.add_argument(
        "--lang", choices=sorted(_TEXT), default="de", help="language of the summary lines (default: %(default)s)"
    )
    _common(p)
    p.set_defaults(func=_guarded(run_import))


# --- user ----------------------------------------------------------------------------------


def read_password(stdin: Any = None) -> str:
    """The new password: asked twice on a terminal, else the first line of standard input (never an argument)."""
    stream = stdin if stdin is not None else sys.stdin
    if stream.isatty():
        first = getpass.getpass("Passwort / password: ")
        if getpass.getpass("Wiederholen / repeat: ") != first:
            raise ValueError("the two passwords differ: run the command again")
        return first
    line = stream.readline()
    if not line.strip():
        raise ValueError("no password on standard input: pipe it in or run the command on a terminal")
    return line.rstrip("\r\n")


def run_user(args: argparse.Namespace) -> int:
    with _open(args) as register:
        if args.user_command == "add":
            user = register.add_user(args.email, read_password(), role=args.role, actor="cli")
            print(f"{user.email} ({user.role}) angelegt / created")
        elif args.user_command == "disable":
            user = register.disable_user(args.email, actor="cli")
            print(f"{user.email} deaktiviert / disabled")
        elif args.user_command == "password":
            user = register.set_password(args.email, read_password(), actor="cli")
            print(f"{user.email}: Passwort geändert / password changed")
        else:
            for user in register.users():
                state = "active" if user.active else "disabled"
                print(f"{user.email}\t{user.role}\t{state}\t{user.created_at:%Y-%m-%d}")
    return 0


def _add_user(sub: Any) -> None:
    from registry.records import ROLES

    p = sub.add_parser(
        "user",
        help="manage staff accounts (moderators and admins of /verwaltung)",
        description="Staff accounts. Passwords are read from the terminal or standard input, never from arguments.",
    )
    users = p.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    add = users.add_parser("add", help="create an account; the password is asked for (or read from stdin)")
    add.add_argument("email", metavar="EMAIL", help="the staff member's e-mail address (the login)")
    add.add_argument(
        "--role", choices=ROLES, default="moderator", help="moderator (review and edit) or admin (also accounts)"
    )
    lst = users.add_parser("list", help="list the accounts with role and state")
    dis = users.add_parser("disable", help="disable an account (it can no longer log in)")
    dis.add_argument("email", metavar="EMAIL", help="the account's e-mail address")
    pw = users.add_parser("password", help="set a new password (asked for, or read from stdin)")
    pw.add_argument("email", metavar="EMAIL", help="the account's e-mail address")
    for q in (add, lst, dis, pw):
        _common(q)
        q.set_defaults(func=_guarded(run_user))


# --- db, backup, restore, publish -------------------------------------------------------


def run_db(args: argparse.Namespace) -> int:
    with _open(args) as register:
        print(f"Datenbank auf Stand {register.revision()} / database at revision {register.revision()}")
    return 0


def run_backup(args: argparse.Namespace) -> int:
    from registry.backup import backup

    with _open(args) as register:
        rows = backup(register, Path(args.file))
    print(f"{rows} Zeilen gesichert -> {args.file} / {rows} rows backed up")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from registry.backup import restore

    if not Path(args.file).is_file():
        raise FileNotFoundError(f"backup {args.file} does not exist: give a file made by 'stadtkarte backup'")
    from registry.register import Register

    with Register.open(args.database, _data_dir(args)) as register:
        rows = restore(register, Path(args.file))
    print(f"{rows} Zeilen wiederhergestellt / {rows} rows restored")
    return 0


def run_publish(args: argparse.Namespace) -> int:
    with _open(args) as register:
        version = register.publish(_data_dir(args), actor="cli")
        count = register.count_entries("published")
    print(f"{count} Angebote veröffentlicht (Stand {version}) / {count} offers published")
    return 0


def _add_operations(sub: Any) -> None:
    p = sub.add_parser("db", help="database maintenance", description="Database maintenance.")
    dbs = p.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = dbs.add_parser("upgrade", help="create or migrate the register's tables to the newest version")
    _common(up)
    up.set_defaults(func=_guarded(run_db))
    b = sub.add_parser(
        "backup",
        help="export the whole register to a portable JSON-lines file",
        description="Export every table of the register (SQLite or PostgreSQL) to FILE.",
    )
    b.add_argument("file", metavar="FILE", type=Path, help="the backup file to write (JSON lines)")
    _common(b)
    b.set_defaults(func=_guarded(run_backup))
    r = sub.add_parser(
        "restore",
        help="load a backup into an empty register (also moves SQLite to PostgreSQL)",
        description="Load FILE (from 'stadtkarte backup') into an empty register.",
    )
    r.add_argument("file", metavar="FILE", type=Path, help="the backup file to read")
    _common(r)
    r.set_defaults(func=_guarded(run_restore))
    pub = sub.add_parser(
        "publish",
        help="publish the register's published entries for the map now",
        description="Write a new snapshot of the published entries; the map picks it up without restart.",
    )
    _common(pub)
    pub.set_defaults(func=_guarded(run_publish))


# --- board -----------------------------------------------------------------------------------

_BOARD_TEXT = {
    "de": {
        "summary": "{file}: {rows} Zeilen, {stored} Beiträge gespeichert, {rejected} abgelehnt",
        "rejects": "abgelehnte Zeilen mit Grund: {path}",
    },
    "en": {
        "summary": "{file}: {rows} rows, {stored} posts stored, {rejected} rejected",
        "rejects": "rejected rows with their reason: {path}",
    },
}


def run_board_import(args: argparse.Namespace) -> int:
    from registry.board import import_posts

    if not Path(args.file).is_file():
        raise FileNotFoundError(f"survey {args.file} does not exist: give the path of a CSV or XLSX file")
    text = _BOARD_TEXT[args.lang]
    with _open(args) as register:
        result = import_posts(register, Path(args.file), actor=f"import:{getpass.getuser()}", lang=args.lang)
    print(
        text["summary"].format(
            file=Path(args.file).name, rows=result.rows, stored=len(result.stored), rejected=len(result.rejects)
        )
    )
    if result.rejects:
        print(text["rejects"].format(path=result.rejects_path))
    return 0


def _add_board(sub: Any) -> None:
    p = sub.add_parser(
        "board",
        help="the network's exchange board (Vereine bieten – Vereine suchen)",
        description="The network's exchange board.",
    )
    board = p.add_subparsers(dest="board_command", metavar="ACTION", required=True)
    imp = board.add_parser(
        "import",
        help="load posts from the needs survey (CSV or XLSX); they are published unless the Status column says 'prüfen'",
        description="Load posts from FILE; rows that cannot be stored end in a rejects report with their reason.",
    )
    imp.add_argument("file", metavar="FILE", type=Path, help="the survey: CSV (UTF-8 or Windows-1252) or XLSX")
    imp.add_argument(
        "--lang",
        choices=sorted(_BOARD_TEXT),
        default="de",
        help="language of the summary and reasons (default: %(default)s)",
    )
    imp.add_argument(
        "--config",
        metavar="PATH",
        help="city config (TOML) whose [board_topics] the rows are checked against "
        "(default: the config of the last offer import, else the demo's)",
    )
    _common(imp)
    imp.set_defaults(func=_guarded(run_board_import))


def add_registry_commands(subparsers: Any) -> None:
    """Add ``import``, ``user``, ``db``, ``backup``, ``restore`` and ``publish`` to ``subparsers``."""
    _add_import(subparsers)
    _add_user(subparsers)
    _add_operations(subparsers)
    _add_associations(subparsers)
    _add_board(subparsers)


__all__ = ["add_registry_commands", "read_password"]


# --- associations: reminders and data protection ----------------------------------------------


def run_remind(args: argparse.Namespace) -> int:
    """Send due reminders, expire unanswered ones, purge submitter e-mails past retention."""
    from datetime import UTC, datetime

    from registry.mail import compose, deliver, mail_settings
    from registry.reminders import freshness_settings, run_reminders
    from registry.submissions import purge_archived, tell_decisions
    from registry.tokens import make_token

    data_dir = _data_dir(args)
    base = str(args.base_url or os.environ.get("STADTKARTE_BASE_URL") or "http://localhost:8050").rstrip("/")
    at = datetime.now(UTC)
    with _open(args) as register:
        from registry.tokens import link_secret

        secret = link_secret(data_dir)
        config = register.config
        settings, fresh = (
            mail_settings(getattr(config, "mail", None)),
            freshness_settings(getattr(config, "freshness", None)),
        )
        city = str(getattr(config, "name", "") or "")

        def send(entry_id: str, name: str, verified: str, to: str, lang: str) -> None:
            suffix = f"?lang={lang}" if lang != "de" else ""
            links = {
                purpose: f"{base}/eintragen/{path}/{make_token(secret, entry_id, token)}{suffix}"
                for purpose, path, token in (
                    ("confirm", "bestaetigen", "confirm"),
                    ("edit", "aendern", "edit"),
                    ("withdraw", "zurueckziehen", "archive"),
                )
            }
            values = {"name": name, "city": city, "verified": verified, "days": fresh.answer_within_days, **links}
            deliver(compose("reminder", lang, to, settings.sender, values), settings, data_dir)

        report = run_reminders(register, fresh, send, at)
        told = tell_decisions(
            register,
            lambda kind, to, lang, values: deliver(
                compose(kind, lang, to, settings.sender, {"city": city, **values}), settings, data_dir
            ),
            at,
        )
        purged = purge_archived(register, fresh.retention_months, at)
    print(
        f"Erinnerungen: {len(report.sent)} gesendet, {len(report.bounced)} unzustellbar, {len(report.failed)} fehlgeschlagen, "
        f"{len(report.no_contact)} ohne Kontakt, {len(report.expired)} unbeantwortet (nicht bestätigt); "
        f"{told} Entscheidungen mitgeteilt; {purged} E-Mail-Adressen gelöscht / reminders: {len(report.sent)} sent, {len(report.bounced)} bounced, {len(report.failed)} failed, "
        f"{len(report.no_contact)} without contact, {len(report.expired)} expired; {told} decisions told; {purged} e-mails purged"
    )
    if report.stuck:
        print(f"nicht sicher gesendet (Abbruch?), bitte prüfen / not known to be sent: {', '.join(report.stuck)}")
    return 0


def run_privacy(args: argparse.Namespace) -> int:
    """Export or delete what is stored about a submitter e-mail; purge by retention."""
    import json
    from datetime import UTC, datetime

    from registry.reminders import freshness_settings
    from registry.submissions import delete_submitter, export_submitter, purge_archived

    at = datetime.now(UTC)
    with _open(args) as register:
        if args.privacy_command == "export":
            print(json.dumps(export_submitter(register, args.email), ensure_ascii=False, indent=2))
        elif args.privacy_command == "delete":
            n = delete_submitter(register, args.email, actor="cli", at=at)
            print(f"{n} Datensätze ohne E-Mail-Adresse gespeichert / {n} records no longer hold the address")
        else:
            months = args.months or freshness_settings(getattr(register.config, "freshness", None)).retention_months
            n = purge_archived(register, months, at, actor="cli")
            print(f"{n} E-Mail-Adressen archivierter Einträge gelöscht / {n} e-mails of archived entries deleted")
    return 0


def _add_associations(sub: Any) -> None:
    rem = sub.add_parser(
        "remind",
        help="send due freshness reminders (run daily from cron or a systemd timer)",
        description="Send every due reminder once, mark unanswered ones unconfirmed, purge old submitter e-mails.",
    )
    rem.add_argument(
        "--base-url", default=None, help="public address of the map for the links (env STADTKARTE_BASE_URL)"
    )
    _common(rem)
    rem.set_defaults(func=_guarded(run_remind))
    priv = sub.add_parser("privacy", help="export or delete what is stored about a submitter e-mail")
    acts = priv.add_subparsers(dest="privacy_command", metavar="ACTION", required=True)
    for name, text in (
        ("export", "print everything stored about EMAIL as JSON"),
        ("delete", "delete EMAIL everywhere"),
    ):
        q = acts.add_parser(name, help=text)
        q.add_argument("email", metavar="EMAIL")
        _common(q)
        q.set_defaults(func=_guarded(run_privacy))
    purge = acts.add_parser("purge", help="delete submitter e-mails of entries archived longer than the retention")
    purge.add_argument("--months", type=int, default=None, help="retention in months (default [freshness])")
    _common(purge)
    purge.set_defaults(func=_guarded(run_privacy))
