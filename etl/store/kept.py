"""What a transaction keeps of what it read or wrote, for its later statements (an ingest's
batch of bulletins is one transaction): gone with the transaction, and emptied when any of
its savepoints rolls back. Only for what no other writer can change meanwhile (each user
says why)."""
from __future__ import annotations

import weakref

from sqlalchemy.engine import Connection
from sqlalchemy.event import listen

_KEPT: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # root transaction -> its dict


def kept(conn: Connection) -> dict:
    """The dict of the connection's transaction (a new, empty one outside a transaction)."""
    root = conn.get_transaction()
    if root is None:
        return {}
    found = _KEPT.get(root)
    if found is None:
        found = _KEPT[root] = {}
        listen(conn, "rollback_savepoint", lambda *_: found.clear())
    return found
