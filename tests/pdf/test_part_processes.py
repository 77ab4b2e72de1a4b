"""The processes that render a long document's parts are forked from the
job's process: they must not keep its database session alive."""

import os
import stat
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import connection

from publishing.pdf import parts


@pytest.mark.django_db
@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: a session on a socket")
def test_part_processes_hold_no_copy_of_the_parents_database_socket(tmp_path, monkeypatch):
    connection.ensure_connection()
    socket_fd = connection.connection.fileno()
    assert stat.S_ISSOCK(os.fstat(socket_fd).st_mode)

    def render_in_child(html, base_url, stylesheets, write_to):
        # Runs in the forked part process: what is that descriptor there?
        is_socket = stat.S_ISSOCK(os.fstat(socket_fd).st_mode)
        Path(f"{write_to.name}.socket").write_text(str(is_socket))
        return SimpleNamespace(pages=1, refused=[], anchors=[[]])

    monkeypatch.setattr(parts.pdf_render, "render_pdf", render_in_child)
    results = parts.render_parallel(["<p>one</p>", "<p>two</p>"], [], str(tmp_path))

    assert [Path(f"{path}.socket").read_text() for path, *_ in results] == ["False", "False"]
    # the parent's session is untouched
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
