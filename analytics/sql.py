"""SQL that reads the same on SQLite and PostgreSQL: a plain substring test."""
from __future__ import annotations

from sqlalchemy import Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import functions


class position_of(functions.FunctionElement):
    """Where needle starts in text (1-based, 0 if absent): instr() on SQLite, strpos() on
    PostgreSQL. A plain substring test: no case folding, no LIKE wildcards to escape."""
    type = Integer()
    inherit_cache = True


@compiles(position_of, "sqlite")
def _instr(element, compiler, **kw):
    return "instr(%s)" % compiler.process(element.clauses, **kw)


@compiles(position_of)
def _strpos(element, compiler, **kw):
    return "strpos(%s)" % compiler.process(element.clauses, **kw)


def contains(column, needle: str):
    return position_of(column, needle) > 0
