"""`python -m bifrost run module:function`: runs a workflow and prints its result as JSON."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import inspect
import json
import os
import sys
from typing import Any, Sequence

from .errors import BifrostError


def load(target: str) -> Any:
    """The function named by `module:function`, importing the module from the working directory."""
    module_name, _, function_name = target.partition(":")
    if not module_name or not function_name:
        raise SystemExit(f"expected module:function, got {target!r}")
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    module = importlib.import_module(module_name)
    try:
        return getattr(module, function_name)
    except AttributeError:
        raise SystemExit(f"{module_name} has no function {function_name!r}") from None


def run(target: str) -> Any:
    function = load(target)
    result = function()
    if inspect.isawaitable(result):
        result = asyncio.run(result)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bifrost", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run_command = commands.add_parser("run", help="run a workflow and print its result as JSON")
    run_command.add_argument("target", help="module:function, e.g. workflows:fetch_customers")
    arguments = parser.parse_args(argv)
    try:
        result = run(arguments.target)
    except BifrostError as error:
        print(f"bifrost: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    print(json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
