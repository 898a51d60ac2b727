"""The `haven` console script: sets the data folder, then hands off to management commands."""

from __future__ import annotations

import os
import sys
import tempfile

HELP = """usage: haven COMMAND [options]

Haven — the operations ledger of a settlement in crisis.

commands:
  init       create the database and the first commander account
  serve      run the web server (production server, static files included)
  demo       build a demo camp in a throwaway folder and serve it
  token      create API bearer tokens
  people     import and export the people registry
{more}
Every command takes --help. Global option: --data-dir DIR (or HAVEN_DATA_DIR).
"""

CORE_COMMANDS = ("init", "serve", "demo", "token", "people")


def _take_data_dir(argv: list[str]) -> list[str]:
    """Apply --data-dir wherever it appears, before Django reads its settings."""
    rest: list[str] = []
    index = 0
    while index < len(argv):
        arg = argv[index]
        if arg == "--data-dir":
            if index + 1 >= len(argv):
                sys.stderr.write("haven: error: --data-dir needs a folder\n")
                sys.exit(2)
            os.environ["HAVEN_DATA_DIR"] = argv[index + 1]
            index += 2
            continue
        if arg.startswith("--data-dir="):
            os.environ["HAVEN_DATA_DIR"] = arg.split("=", 1)[1]
        else:
            rest.append(arg)
        index += 1
    return rest


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    wants_help = "--help" in args or "-h" in args
    if args and args[0] == "demo" and "--data-dir" not in " ".join(args) and not wants_help:
        os.environ.setdefault("HAVEN_DATA_DIR", tempfile.mkdtemp(prefix="haven-demo-"))
    args = _take_data_dir(args)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line, get_commands

    try:
        django.setup()
    except ImproperlyConfigured as error:
        # A bad HAVEN_* setting: one line naming it, not a traceback.
        sys.stderr.write(f"haven: error: {error}\n")
        sys.exit(2)
    available = get_commands()
    haven_commands = sorted(name for name, app in available.items() if app.startswith("haven."))
    if not args or args[0] in {"-h", "--help", "help"}:
        extra = [name for name in haven_commands if name not in CORE_COMMANDS]
        more = "".join(f"  {name}\n" for name in extra)
        sys.stdout.write(HELP.format(more=more))
        return
    if args[0] in {"--version", "version"}:
        import haven

        sys.stdout.write(f"haven {haven.__version__}\n")
        return
    if args[0] not in available:
        sys.stderr.write(
            f"haven: error: unknown command {args[0]!r} "
            f"(commands: {', '.join(haven_commands)}; see haven --help)\n"
        )
        sys.exit(2)
    try:
        execute_from_command_line(["haven", *args])
    except BrokenPipeError:
        # `haven people export | head` closed the pipe early: not an error worth a trace.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)


if __name__ == "__main__":
    main()
