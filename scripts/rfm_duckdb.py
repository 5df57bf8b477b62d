"""The RFM computation of Rapport, in DuckDB, on the same orders: the yardstick of
`make bench`. Loads orders from the SQLite file, then times only the query."""
import csv
import os
import sqlite3
import tempfile
import sys
import time

import duckdb

src = sqlite3.connect(sys.argv[1])
rows = src.execute("SELECT customer_id, order_date, total_cents FROM orders WHERE status <> 'cancelled'").fetchall()
con = duckdb.connect()
# Bulk load through a CSV file (no pandas needed): DuckDB reads it in parallel.
with tempfile.NamedTemporaryFile("w", suffix=".csv", newline="", delete=False) as f:
    csv.writer(f).writerows((c, str(d)[:10], t) for c, d, t in rows)
    path = f.name
con.execute(
    "CREATE TABLE orders AS SELECT * FROM read_csv(?, header = false, "
    "columns = {'customer_id': 'BIGINT', 'order_date': 'DATE', 'total_cents': 'BIGINT'})",
    [path],
)
os.unlink(path)
query = """
WITH agg AS (
  SELECT customer_id, date_diff('day', max(order_date), DATE '2100-01-01') AS recency,
         count(*) AS frequency, sum(total_cents) AS monetary
  FROM orders WHERE order_date < DATE '2100-01-01' GROUP BY customer_id
), scored AS (
  SELECT customer_id,
         ntile(5) OVER (ORDER BY recency DESC, customer_id) AS r,
         ntile(5) OVER (ORDER BY frequency, customer_id) AS f,
         ntile(5) OVER (ORDER BY monetary, customer_id) AS m
  FROM agg
)
SELECT r, f, m, count(*) FROM scored GROUP BY r, f, m
"""
best = min(
    (lambda t0: (con.execute(query).fetchall(), time.perf_counter() - t0)[1])(time.perf_counter()) for _ in range(3)
)
print(f"DuckDB RFM over {len(rows)} orders: {best * 1000:.0f} ms (best of 3, in memory)")
