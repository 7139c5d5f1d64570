"""What SQLite itself does with the usage API's writes (issue #16), no HTTP
and no server: each transaction bumps the organisation's version, looks the
events' ids up (idempotency) and inserts them, many rows per statement, into
a table shaped like `usage_events` (a rowid table and a unique index on
(organisation, event id)). Random event ids, as the load script sends.

    python3 benches/usage_ceiling.py rowid 500           # 500 events a transaction
    CACHE=-16384 python3 benches/usage_ceiling.py rowid 5000
    python3 benches/usage_ceiling.py noindex 500          # without the unique index
    python3 benches/usage_ceiling.py hash 5000            # a 64-bit hash of the id as the
                                                          # (non-unique) index key instead
    PAGE=1024 python3 benches/usage_ceiling.py rowid 5000 # another page size
    DB=:memory: python3 benches/usage_ceiling.py rowid 500

Prints events/s for each 200 000 events and for all 400 000.
"""
import hashlib
import os
import random
import sqlite3
import sys
import tempfile
import time

variant, per_tx = sys.argv[1], int(sys.argv[2])
work = tempfile.mkdtemp()
c = sqlite3.connect(os.environ.get("DB", os.path.join(work, "t.db")), isolation_level=None)
c.execute("PRAGMA page_size=" + os.environ.get("PAGE", "4096"))
c.execute("PRAGMA cache_size=" + os.environ.get("CACHE", "-2000"))
c.execute("PRAGMA journal_mode=WAL")
c.execute("PRAGMA synchronous=NORMAL")
c.execute("PRAGMA wal_autocheckpoint=16384")
c.execute("CREATE TABLE orgs (id INTEGER PRIMARY KEY, v INTEGER)")
c.execute("INSERT INTO orgs VALUES (1, 0)")
unique = ", UNIQUE (organisation_id, event_id)" if variant == "rowid" else ""
hashed = variant == "hash"
c.execute(
    "CREATE TABLE u (id INTEGER PRIMARY KEY, organisation_id INTEGER NOT NULL, event_id TEXT NOT NULL, "
    f"cost INTEGER NOT NULL, balance INTEGER NOT NULL, created_at TEXT NOT NULL{', k INTEGER' if hashed else ''}{unique})"
)
if hashed:
    c.execute("CREATE INDEX uk ON u (organisation_id, k)")
def key(e):
    return int.from_bytes(hashlib.blake2b(e.encode(), digest_size=8).digest(), "big", signed=True)
n, counter, start, last, rates = 0, 0, time.time(), time.time(), []
while n < 400_000:
    ids = []
    for _ in range(per_tx):
        counter += 1
        ids.append("load-%d-%d" % (random.randint(1, 1_000_000_000), counter))
    c.execute("BEGIN IMMEDIATE")
    c.execute("UPDATE orgs SET v = v + 1 WHERE id = 1 RETURNING v").fetchall()
    for k in range(0, per_tx, 500):
        chunk = ids[k : k + 500]
        if unique:
            c.execute(
                "SELECT event_id, cost, balance FROM u WHERE organisation_id = ? AND event_id IN (%s)"
                % ",".join("?" * len(chunk)),
                [1] + chunk,
            ).fetchall()
        if hashed:
            c.execute(
                "SELECT event_id, cost, balance FROM u WHERE organisation_id = ? AND k IN (%s)"
                % ",".join("?" * len(chunk)),
                [1] + [key(e) for e in chunk],
            ).fetchall()
        values = []
        for e in chunk:
            values += [1, e, 2, 100, "2026-12-04T00:00:00Z"] + ([key(e)] if hashed else [])
        c.execute(
            "INSERT INTO u (organisation_id, event_id, cost, balance, created_at%s) VALUES " % (", k" if hashed else "")
            + ",".join(["(?,?,?,?,?%s)" % (",?" if hashed else "")] * len(chunk)),
            values,
        )
    c.execute("COMMIT")
    n += per_tx
    if n % 200_000 == 0:
        now = time.time()
        rates.append("%.0f" % (200_000 / (now - last)))
        last = now
print(variant, per_tx, "events/s per 200 000:", " ".join(rates), "; all: %.0f" % (n / (time.time() - start)))
