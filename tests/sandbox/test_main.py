"""The command line: `python -m sandbox seed` builds a deterministic store."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox.__main__ import main
from sandbox.database import Store
from sandbox.seed import DEMO_WORKSPACE_ID, OTHER_WORKSPACE_ID


def _contacts(database: Path) -> list[tuple[str, str]]:
    store = Store.open(str(database))
    rows = store.connection.execute(
        "SELECT workspace_id, id FROM contacts ORDER BY created_at DESC, id"
    ).fetchall()
    store.close()
    return [(row["workspace_id"], row["id"]) for row in rows]


def test_seed_command_builds_a_workspace_of_the_given_size(tmp_path: Path):
    first, second = tmp_path / "one.sqlite3", tmp_path / "two.sqlite3"

    codes = [
        main(["seed", "--contacts", "500", "--database", str(path)])
        for path in (first, second)
    ]

    contacts = _contacts(first)
    assert codes == [0, 0]
    assert sum(ws == DEMO_WORKSPACE_ID for ws, _ in contacts) == 500
    assert sum(ws == OTHER_WORKSPACE_ID for ws, _ in contacts) == 6
    assert contacts == _contacts(second)


def test_seed_command_refuses_a_file_with_records(tmp_path: Path):
    database = str(tmp_path / "full.sqlite3")
    main(["seed", "--contacts", "10", "--database", database])

    assert main(["seed", "--contacts", "10", "--database", database]) == 1
    assert len(_contacts(Path(database))) == 16


@pytest.mark.parametrize("count", ["0", "many"])
def test_seed_command_needs_a_positive_count(tmp_path: Path, count: str):
    with pytest.raises(SystemExit):
        main(["seed", "--contacts", count, "--database", str(tmp_path / "x.db")])
