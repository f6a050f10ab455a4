"""A tiny inventory kept in PostgreSQL: what examples/integration tests against a real database."""

import os

import psycopg2


def connect():
    """A connection to the database named by DATABASE_HOST (the service's host name)."""
    return psycopg2.connect(host=os.environ.get("DATABASE_HOST", "localhost"), port=5432,
                            user="postgres", dbname="postgres", connect_timeout=5)


def create_schema(conn):
    with conn.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS items (name text PRIMARY KEY, count integer NOT NULL)")
    conn.commit()


def add(conn, name, count):
    """Adds count of name; returns how many there are now."""
    with conn.cursor() as cur:
        cur.execute("INSERT INTO items (name, count) VALUES (%s, %s) "
                    "ON CONFLICT (name) DO UPDATE SET count = items.count + EXCLUDED.count "
                    "RETURNING count", (name, count))
        total = cur.fetchone()[0]
    conn.commit()
    return total


def total(conn):
    with conn.cursor() as cur:
        cur.execute("SELECT COALESCE(SUM(count), 0) FROM items")
        return cur.fetchone()[0]
